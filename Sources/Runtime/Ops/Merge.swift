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

    /// Maximum and minimum send the gradient to the first input holding the result, as TensorFlow's pairwise
    /// maximum does for ties.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        let total = batch * count
        switch kind {
        case .add, .average, .subtract:
            let scale: Float = kind == .average ? 1 / Float(self.inputs) : 1
            for (index, gx) in inputGradients.enumerated() {
                guard let gx else { continue }
                let sign: Float = kind == .subtract && index == 1 ? -1 : 1
                for i in 0..<total { gx[i] += sign * scale * outputGradient[i] }
            }
        case .multiply:
            for (index, gx) in inputGradients.enumerated() {
                guard let gx else { continue }
                for i in 0..<total {
                    var product = outputGradient[i]
                    for (other, input) in inputs.enumerated() where other != index { product *= input[i] }
                    gx[i] += product
                }
            }
        case .maximum, .minimum:
            for i in 0..<total {
                guard let winner = inputs.indices.first(where: { inputs[$0][i] == output[i] }) else { continue }
                inputGradients[winner]?[i] += outputGradient[i]
            }
        }
    }
}
