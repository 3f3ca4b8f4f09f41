import KerasLensGraph

/// TensorFlow's `reduce_mean` / `reduce_sum` / `reduce_max` / `reduce_min` per sample over some axes. Each input
/// position's output position is computed once per plan; the loops only read it.
struct ReduceKernel: Kernel {
    let kind: ReduceKind
    /// `target[i]`: the output position input position i (per sample, row-major) reduces into.
    let target: [Int]
    let inputCount, outputCount: Int
    /// How many input positions meet in each output position.
    let span: Int

    init(kind: ReduceKind, axes: [Int], shapes: KernelShapes) {
        self.kind = kind
        let input = shapes.input
        inputCount = shapes.inputCount
        let keptSizes = input.indices.map { axes.contains($0 + 1) ? 1 : input[$0] }
        outputCount = keptSizes.reduce(1, *)
        span = inputCount / outputCount
        var target = [Int](repeating: 0, count: inputCount)
        var index = [Int](repeating: 0, count: input.count)
        for position in 0..<inputCount {
            var out = 0
            for axis in input.indices { out = out * keptSizes[axis] + (keptSizes[axis] == 1 ? 0 : index[axis]) }
            target[position] = out
            for axis in stride(from: input.count - 1, through: 0, by: -1) {
                index[axis] += 1
                if index[axis] < input[axis] { break }
                index[axis] = 0
            }
        }
        self.target = target
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        for sample in 0..<batch {
            let x = inputs[0] + sample * inputCount, y = output + sample * outputCount
            switch kind {
            case .mean, .sum:
                y.update(repeating: 0, count: outputCount)
                for i in 0..<inputCount { y[target[i]] += x[i] }
                if kind == .mean {
                    let scale = 1 / Float(span)
                    for o in 0..<outputCount { y[o] *= scale }
                }
            case .max:
                y.update(repeating: -.infinity, count: outputCount)
                for i in 0..<inputCount where x[i] > y[target[i]] || x[i].isNaN { y[target[i]] = x[i] }
            case .min:
                y.update(repeating: .infinity, count: outputCount)
                for i in 0..<inputCount where x[i] < y[target[i]] || x[i].isNaN { y[target[i]] = x[i] }
            }
        }
    }

    /// Mean and sum spread the gradient evenly (`1 / span` for the mean). Maximum and minimum give it to the
    /// positions equal to the result, split equally among ties, as TensorFlow's `_MinOrMaxGrad`.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gradient = inputGradients[0] else { return }
        var ties = kind == .max || kind == .min ? [Float](repeating: 0, count: outputCount) : []
        for sample in 0..<batch {
            let x = inputs[0] + sample * inputCount, y = output + sample * outputCount
            let g = outputGradient + sample * outputCount, gx = gradient + sample * inputCount
            switch kind {
            case .mean, .sum:
                let scale = kind == .mean ? 1 / Float(span) : 1
                for i in 0..<inputCount { gx[i] += g[target[i]] * scale }
            case .max, .min:
                for o in 0..<outputCount { ties[o] = 0 }
                for i in 0..<inputCount where x[i] == y[target[i]] { ties[target[i]] += 1 }
                for i in 0..<inputCount where x[i] == y[target[i]] { gx[i] += g[target[i]] / ties[target[i]] }
            }
        }
    }
}
