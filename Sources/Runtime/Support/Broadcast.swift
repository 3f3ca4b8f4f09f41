/// Expands `values`, shaped `shape` (same rank as `target`, with 1 on broadcast axes), to the full `target` shape.
func broadcast(_ values: [Float], shape: [Int], to target: [Int]) -> [Float] {
    var strides = [Int](repeating: 0, count: shape.count)
    var step = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = shape[axis] == 1 ? 0 : step
        step *= shape[axis]
    }
    let count = target.reduce(1, *)
    var result = [Float](repeating: 0, count: count)
    var index = [Int](repeating: 0, count: target.count)
    for position in 0..<count {
        result[position] = values[zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }]
        for axis in stride(from: target.count - 1, through: 0, by: -1) {
            index[axis] += 1
            if index[axis] < target[axis] { break }
            index[axis] = 0
        }
    }
    return result
}

/// `y = x · scale[k] + shift[k]` with `k = (i / inner) % scale.count` for per-sample position `i`: one pattern that
/// covers a scalar, one value per channel, one per value of any middle axis, or a fully broadcast array.
struct AffineKernel: Kernel {
    let scale: [Float]
    let shift: [Float]
    let inner: Int
    let count: Int
    /// Applied to each range of the output as soon as it is written, while it is still in cache (an inference
    /// plan's `bn → relu`, DenseNet's and ResNetV2's pre-activations): the activation's own pass over memory goes.
    var activation: (any ElementwiseActivation)? = nil
    /// Rows of a few channels (an image's RGB: EfficientNet's input normalization) go in runs of `runRows` rows
    /// against scale and shift repeated as often (`runScale`, `runShift`), so that the inner loop is long enough to
    /// vectorise; every value sees the same two operations either way. One row per run from 16 channels on.
    private let runRows: Int, runScale: [Float], runShift: [Float]

    init(scale: [Float], shift: [Float], inner: Int, count: Int) {
        (self.scale, self.shift, self.inner, self.count) = (scale, shift, inner, count)
        runRows = scale.count < 16 ? 64 / max(1, scale.count) : 1
        runScale = Array(repeatElement(scale, count: runRows).joined())
        runShift = Array(repeatElement(shift, count: runRows).joined())
    }

    func applying(_ activation: any ElementwiseActivation) -> (any Kernel)? {
        guard self.activation == nil else { return nil }
        var fused = self
        fused.activation = activation
        return fused
    }

    /// One scale runs as one flat loop; channels-last (`inner` 1, the usual batch normalization: DenseNet's before
    /// every block) runs rows in parallel, each a loop the compiler vectorizes; other axes run a run of `inner`
    /// values per scale.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let period = scale.count, total = batch * count
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                let (scale, shift, input) = (scale.baseAddress!, shift.baseAddress!, inputs[0])
                if period == 1 {  // one scale for everything (an inline `x * c + d`: MobileNetV3's hard-swish)
                    let (a, b) = (scale[0], shift[0])
                    return Parallel.forEachRange(total) { range in
                        for i in range { output[i] = input[i] * a + b }
                        activation?.apply(output + range.lowerBound, count: range.count)
                    }
                }
                if isChannelsLast {
                    return Parallel.forEachRange(total / period, cost: period) { rows in
                        transformRows(input, rows: rows, into: output + rows.lowerBound * period)
                    }
                }
                defer { activation?.apply(output, count: total) }
                for sample in 0..<batch {
                    var i = sample * count, k = 0
                    let end = i + count
                    while i < end {
                        let a = scale[k], b = shift[k], stop = min(end, i + inner)
                        for j in i..<stop { output[j] = input[j] * a + b }
                        i = stop
                        k = k + 1 == period ? 0 : k + 1
                    }
                }
            }
        }
    }

    /// One value per channel of channels-last rows (the usual batch normalization).
    var isChannelsLast: Bool { inner == 1 && count % scale.count == 0 }

    /// The rows `rows` (of `scale.count` channels, numbered across the batch) of `input` transformed, the activation
    /// applied, one after the other at `output` (channels-last kernels only).
    func transformRows(_ input: UnsafePointer<Float>, rows: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        let period = scale.count, runFloats = runRows * period
        runScale.withUnsafeBufferPointer { scale in
            runShift.withUnsafeBufferPointer { shift in
                var row = rows.lowerBound
                while row < rows.upperBound {
                    let count = min(runRows, rows.upperBound - row) * period
                    let source = input + row * period, target = output + (row - rows.lowerBound) * period
                    if count == runFloats {
                        for c in 0..<runFloats { target[c] = source[c] * scale[c] + shift[c] }
                    } else {
                        for c in 0..<count { target[c] = source[c] * scale[c] + shift[c] }
                    }
                    row += runRows
                }
            }
        }
        activation?.apply(output, count: rows.count * period)
    }

    /// `transformRows` of a channels-last concatenation given as its parts (`widths[i]` channels each, in order)
    /// rather than as one tensor: the concatenation's copy happens here, on the way into the rows, for nothing.
    /// Each value sees the same two operations as in `transformRows`.
    func transformRows(_ parts: [UnsafePointer<Float>], widths: [Int], rows: Range<Int>,
                       into output: UnsafeMutablePointer<Float>) {
        let period = scale.count
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                var offset = 0
                for (part, width) in zip(parts, widths) {
                    let (scale, shift) = (scale.baseAddress! + offset, shift.baseAddress! + offset)
                    for row in rows {
                        let source = part + row * width, target = output + (row - rows.lowerBound) * period + offset
                        for c in 0..<width { target[c] = source[c] * scale[c] + shift[c] }
                    }
                    offset += width
                }
            }
        }
        activation?.apply(output, count: rows.count * period)
    }

    /// `gx += g · scale`, in the forward pass's two loop forms.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let period = scale.count, total = batch * count
        scale.withUnsafeBufferPointer { scale in
            let scale = scale.baseAddress!
            if period == 1 {
                let a = scale[0]
                return Parallel.forEachRange(total) { range in
                    for i in range { gx[i] += outputGradient[i] * a }
                }
            }
            if inner == 1 && count % period == 0 {
                return Parallel.forEachRange(total / period, cost: period) { rows in
                    for row in stride(from: rows.lowerBound * period, to: rows.upperBound * period, by: period) {
                        for c in 0..<period { gx[row + c] += outputGradient[row + c] * scale[c] }
                    }
                }
            }
            for sample in 0..<batch {
                var i = sample * count, k = 0
                let end = i + count
                while i < end {
                    let a = scale[k], stop = min(end, i + inner)
                    for j in i..<stop { gx[j] += outputGradient[j] * a }
                    i = stop
                    k = k + 1 == period ? 0 : k + 1
                }
            }
        }
    }
}
