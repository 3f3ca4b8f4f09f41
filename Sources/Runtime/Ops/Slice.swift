import KerasLensGraph

/// `x[:, begin₀:end₀:stride₀, …]` (its read-out shape only renames the same elements): each output row (every axis but the last) starts at a precomputed input position
/// and steps through the input's last axis by its stride.
struct SliceKernel: Kernel {
    let inputCount: Int
    let outputCount: Int
    /// Input position of the first element of each output row.
    let rowStarts: [Int]
    let width: Int
    let step: Int

    init(begin: [Int], end: [Int], strides: [Int], shapes: KernelShapes) {
        let input = shapes.input
        let output = input.indices.map { (end[$0] - begin[$0] + strides[$0] - 1) / strides[$0] }
        inputCount = shapes.inputCount
        outputCount = shapes.outputCount
        width = output.last!
        step = strides.last!
        var inputStrides = [Int](repeating: 1, count: input.count)
        for axis in stride(from: input.count - 2, through: 0, by: -1) { inputStrides[axis] = inputStrides[axis + 1] * input[axis + 1] }
        let rows = Array(output.dropLast())
        var starts: [Int] = []
        starts.reserveCapacity(rows.reduce(1, *))
        var index = [Int](repeating: 0, count: rows.count)
        for _ in 0..<rows.reduce(1, *) {
            var start = begin.last! * inputStrides.last!
            for axis in rows.indices { start += (begin[axis] + index[axis] * strides[axis]) * inputStrides[axis] }
            starts.append(start)
            for axis in stride(from: rows.count - 1, through: 0, by: -1) {
                index[axis] += 1
                if index[axis] < rows[axis] { break }
                index[axis] = 0
            }
        }
        rowStarts = starts
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        for sample in 0..<batch {
            let x = inputs[0] + sample * inputCount, y = output + sample * outputCount
            for (row, start) in rowStarts.enumerated() {
                for j in 0..<width { y[row * width + j] = x[start + j * step] }
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gradient = inputGradients[0] else { return }
        for sample in 0..<batch {
            let gx = gradient + sample * inputCount, g = outputGradient + sample * outputCount
            for (row, start) in rowStarts.enumerated() {
                for j in 0..<width { gx[start + j * step] += g[row * width + j] }
            }
        }
    }
}
