/// Reorders the per-sample axes; the gather table is computed once when the plan is built.
struct PermuteKernel: Kernel {
    /// For each per-sample output position, the input position it reads.
    let source: [Int]

    init(order: [Int], shapes: KernelShapes) {
        let input = shapes.input
        var inputStrides = [Int](repeating: 1, count: input.count)
        for axis in stride(from: input.count - 2, through: 0, by: -1) {
            inputStrides[axis] = inputStrides[axis + 1] * input[axis + 1]
        }
        let axes = order.dropFirst().map { $0 - 1 }
        let output = axes.map { input[$0] }
        var table = [Int](repeating: 0, count: shapes.outputCount)
        var index = [Int](repeating: 0, count: output.count)
        for position in table.indices {
            table[position] = zip(index, axes).reduce(0) { $0 + $1.0 * inputStrides[$1.1] }
            for axis in stride(from: output.count - 1, through: 0, by: -1) {
                index[axis] += 1
                if index[axis] < output[axis] { break }
                index[axis] = 0
            }
        }
        source = table
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let count = source.count
        for sample in 0..<batch {
            let input = inputs[0] + sample * count, result = output + sample * count
            for position in 0..<count { result[position] = input[source[position]] }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let count = source.count
        for sample in 0..<batch {
            let gradient = outputGradient + sample * count, target = gx + sample * count
            for position in 0..<count { target[source[position]] += gradient[position] }
        }
    }
}
