/// How one input of a broadcasting element-wise op is read. The output is walked in rows along its last axis; row
/// `r` reads the input from `rowStarts[r]` onward with `step` 1 (the input has the output's last axis) or 0 (its
/// last axis is 1, repeated). Shapes are per sample and aligned at the end, a shorter one padded with 1s in front,
/// which is NumPy's rule and Keras's (Keras expands a lower-rank merge input after the batch axis).
struct BroadcastRows: Sendable {
    /// Per-sample element count of the input.
    let count: Int
    let rowStarts: [Int]
    let step: Int

    init(input: [Int], output: [Int]) {
        let padded = Array(repeating: 1, count: output.count - input.count) + input
        var strides = [Int](repeating: 0, count: padded.count)
        var size = 1
        for axis in padded.indices.reversed() {
            strides[axis] = padded[axis] == 1 ? 0 : size
            size *= padded[axis]
        }
        count = size
        step = strides[padded.count - 1] == 0 ? 0 : 1
        let rows = output.dropLast().reduce(1, *)
        var starts = [Int](repeating: 0, count: rows)
        var index = [Int](repeating: 0, count: max(output.count - 1, 0))
        for row in 0..<rows {
            starts[row] = zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }
            for axis in index.indices.reversed() {
                index[axis] += 1
                if index[axis] < output[axis] { break }
                index[axis] = 0
            }
        }
        rowStarts = starts
    }

    /// The position in the input (within one sample) of output element `column` of row `row`.
    @inline(__always) func position(row: Int, column: Int) -> Int { rowStarts[row] + column * step }
}
