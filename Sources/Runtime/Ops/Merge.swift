import Graph

/// Element-wise combination of same-shaped inputs.
struct MergeKernel: Kernel {
    let kind: MergeKind
    let inputs: Int
    let count: Int

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let total = batch * count
        output.update(from: inputs[0], count: total)
        for other in inputs.dropFirst() {
            switch kind {
            case .add, .average: for i in 0..<total { output[i] += other[i] }
            case .subtract: for i in 0..<total { output[i] -= other[i] }
            case .multiply: for i in 0..<total { output[i] *= other[i] }
            case .maximum: for i in 0..<total { output[i] = max(output[i], other[i]) }
            case .minimum: for i in 0..<total { output[i] = min(output[i], other[i]) }
            }
        }
        if kind == .average {
            let scale = 1 / Float(self.inputs)
            for i in 0..<total { output[i] *= scale }
        }
    }
}
