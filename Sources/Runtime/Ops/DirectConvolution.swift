import COpenBLAS
import KerasLensGraph

/// The convolution forward pass through the vector kernel of `Sources/COpenBLAS/conv_direct.h`: no im2col matrix,
/// bias and ReLU applied in registers. The input is zero-padded band by band (a few output rows' worth of input
/// rows, about 256 KB) so the kernel needs no border cases and the scratch stays in cache and bounded.
struct DirectConvolution: Sendable {
    let geometry: ConvGeometry
    let isa: VectorISA
    /// Keras's kernel [taps][channels][filters] packed in blocks of `isa.filterBlock` filters (`VectorISA.packed`).
    let weights: [Float]
    /// Width of a padded input row: every input column some window of the output row reads.
    let paddedWidth: Int
    /// Output rows per band.
    let bandRows: Int
    /// Each kernel tap's offset in a padded band from the window's origin. Without dilation across, a tap is a whole
    /// kernel row: its `kernelWidth` columns' channels lie side by side in a padded row, and Keras's kernel holds them
    /// in that order, so the kernel reads them as one tap of `tapChannels` channels. The sums run in the same order;
    /// a stem's 3 channels a tap (ResNet50's 7×7 `conv1`) no longer leave the kernel restarting its channel loop
    /// after every 3 multiply-adds.
    let taps: [Int32]
    /// The floats each tap reads side by side: `kernelWidth × channels` for a kernel row, `channels` for one column.
    let tapChannels: Int

    /// `kernel` is Keras's [kh, kw, channels, filters].
    init(geometry g: ConvGeometry, kernel: [Float], filters: Int, isa: VectorISA) {
        geometry = g
        self.isa = isa
        weights = isa.packed(rows: kernel.count / filters, width: filters) { _, row, column in kernel[row * filters + column] }.values
        let paddedWidth = (g.outWidth - 1) * g.strideWidth + (g.kernelWidth - 1) * g.dilationWidth + 1
        self.paddedWidth = paddedWidth
        bandRows = max(1, min(g.outHeight, 65_536 / max(1, paddedWidth * g.channels * g.strideHeight)))
        let rowTaps = g.dilationWidth == 1
        taps = (0..<g.kernelHeight).flatMap { ky in
            (0..<(rowTaps ? 1 : g.kernelWidth)).map { kx in Int32((ky * g.dilationHeight * paddedWidth + kx * g.dilationWidth) * g.channels) }
        }
        tapChannels = rowTaps ? g.kernelWidth * g.channels : g.channels
    }

    /// The kernel that adds a stride-1 convolution's input gradient, `∂L/∂input += conv′(∂L/∂output)` (see
    /// `ConvGeometry(adjointOf:)`): the same vector kernel, so a backward pass runs as fast as a forward one and
    /// splits one image over the cores, where im2col's adjoint adds overlapping patches sample by sample. nil for
    /// strided convolutions.
    static func adjoint(of g: ConvGeometry, kernel: [Float], filters: Int, isa: VectorISA) -> DirectConvolution? {
        guard g.strideHeight == 1, g.strideWidth == 1 else { return nil }
        return DirectConvolution(geometry: ConvGeometry(adjointOf: g, filters: filters),
                                 kernel: g.adjointKernel(kernel, filters: filters), filters: g.channels, isa: isa)
    }

    /// Padded input rows a band of `rows` output rows reads.
    private func paddedRows(_ rows: Int) -> Int {
        (rows - 1) * geometry.strideHeight + (geometry.kernelHeight - 1) * geometry.dilationHeight + 1
    }

    /// `output = activation(conv(input) + bias + residual)` for `batch` samples (`residual`, laid out as the output,
    /// may be nil), or with `adding` (a linear convolution without bias: a backward pass) `output += conv(input)`.
    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                 bias: UnsafePointer<Float>?, filters: Int, activation: Activation, residual: UnsafePointer<Float>? = nil,
                 adding: Bool = false) {
        precondition(!adding || (activation == .linear && bias == nil), "only a linear convolution without bias adds")
        let store = adding ? Int32(KL_STORE_ADDING) : activation.registerStore ?? Int32(KL_STORE_SUMS)
        if runsOnPatches {
            return forwardPatches(input, output, batch: batch, bias: bias, filters: filters, activation: activation,
                                  residual: residual, store: store)
        }
        let g = geometry
        let bands = (g.outHeight + bandRows - 1) / bandRows
        let rowFloats = paddedWidth * g.channels
        let run = isa.convRun
        taps.withUnsafeBufferPointer { taps in
            weights.withUnsafeBufferPointer { weights in
                Parallel.forEachRange(batch * bands, cost: bandRows * g.outWidth * g.patchSize * filters) { tasks in
                    let band = UnsafeMutablePointer<Float>.allocate(capacity: paddedRows(bandRows) * rowFloats)
                    defer { band.deallocate() }
                    for task in tasks {
                        let sample = task / bands, first = (task % bands) * bandRows
                        let rows = min(bandRows, g.outHeight - first)
                        g.padRows(input + sample * g.inputCount, from: first * g.strideHeight - g.padTop, count: paddedRows(rows),
                                  width: paddedWidth, into: band)
                        let offset = (sample * g.positions + first * g.outWidth) * filters, result = output + offset
                        for row in 0..<rows {
                            run(band + row * g.strideHeight * rowFloats, taps.baseAddress!, Int32(taps.count), Int32(tapChannels),
                                Int32(g.strideWidth * g.channels), weights.baseAddress!, bias, Int32(filters), Int32(filters),
                                result + row * g.outWidth * filters, residual.map { $0 + offset + row * g.outWidth * filters },
                                Int32(g.outWidth), store)
                        }
                        if activation.registerStore == nil {
                            finishRows(result, rows: rows * g.outWidth, channels: filters, bias: nil, activation: activation)
                        }
                    }
                }
            }
        }
    }

    /// Whether the layer runs as chunks of windows (`forwardPatches`) rather than in padded bands.
    var runsOnPatches: Bool { geometry.readsOnePosition || geometry.outWidth < 4 * isa.block }

    /// 1×1 layers (most of ResNet's and MobileNet's work), and layers whose output rows are narrow (InceptionV3's
    /// 5×5 and 12×12 ones: a row of 5 positions would fill one register block and leave a lone position's block
    /// waiting on its sums), take a chunk of positions per call across row ends and sample ends (`RowChunks`). A
    /// stride-1 1×1 layer reads its input in place; any other first copies the chunk's windows (its im2col rows,
    /// in the kernel's own [taps][channels] order, so each sum is added in the same order as by the banded path) and
    /// runs them as one tap of `patchSize` channels. A chunk holds about 128 KB of input, which each block of filters
    /// re-reads from cache; when there are too few chunks for the cores (one image's deep layers: 49 positions,
    /// megabytes of weights), the filters are split too (`FilterParts`), so each core reads only its share of the
    /// weights. Each position's sums are the same however the work is split.
    private func forwardPatches(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                                bias: UnsafePointer<Float>?, filters: Int, activation: Activation,
                                residual: UnsafePointer<Float>?, store: Int32) {
        let g = geometry
        let inPlace = g.readsOnePosition && g.strideHeight == 1 && g.strideWidth == 1
        forwardChunks(rows: batch * g.positions, inPlace: inPlace ? input : nil, bias: bias, filters: filters,
                      activation: activation, residual: residual, store: store, into: output) { positions, patches in
            copyPatches(input, positions: positions, into: patches)
        }
    }

    /// `forwardPatches` over `rows` windows (numbered across the batch) that are read in place at `inPlace`, one
    /// after the other, or else written chunk by chunk into scratch memory by `copying(rows, into)`: `patchSize`
    /// floats each, once per chunk whatever its filter parts (`PointwiseStage.forwardChunks`' prepared rows come this
    /// way too).
    func forwardChunks(rows: Int, inPlace: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, filters: Int,
                       activation: Activation, residual: UnsafePointer<Float>?, store: Int32,
                       into output: UnsafeMutablePointer<Float>,
                       copying: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let g = geometry
        let chunks = RowChunks(rows: rows, block: isa.runBlock(rows), most: max(4 * isa.block, 32_768 / max(1, g.patchSize)))
        let parts = FilterParts(tasks: chunks.count, filters: filters, isa: isa)
        Parallel.forEachRange(chunks.count * parts.count, cost: chunks.size * g.patchSize * parts.width) { tasks in
            let patches = UnsafeMutablePointer<Float>.allocate(capacity: inPlace == nil ? chunks.size * g.patchSize : 0)
            defer { patches.deallocate() }
            var copiedChunk: Int?
            for task in tasks {
                let chunk = task / parts.count, filterRange = parts.range(task % parts.count)
                let positions = chunks.range(chunk)
                var source = UnsafePointer(patches)
                if let inPlace {
                    source = inPlace + positions.lowerBound * g.patchSize
                } else if copiedChunk != chunk {
                    copying(positions, patches)
                    copiedChunk = chunk
                }
                let offset = positions.lowerBound * filters, result = output + offset
                runPatches(source, count: positions.count, filters: filters, filterRange: filterRange, bias: bias,
                             residual: residual.map { $0 + offset }, store: store, into: result)
                if activation.registerStore == nil, parts.tasksStoreWholeRows {
                    finishRows(result, rows: positions.count, channels: filters, bias: nil, activation: activation)
                }
            }
        }
        parts.finishSplitRows(output, rows: rows, channels: filters, activation: activation)
    }

    /// A layer's sums over `count` windows laid one after the other at `source` (`patchSize` floats each: the input
    /// itself for a stride-1 1×1 layer), for the filters of `filterRange` (whole blocks, as `FilterParts` gives
    /// them), stored from `result` (the first position's output row) as `store` says, with `residual` (laid out as
    /// the output, from the same position; nil for none) added. The kernel sees one tap of `patchSize` channels.
    func runPatches(_ source: UnsafePointer<Float>, count: Int, filters: Int, filterRange: Range<Int>,
                    bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, store: Int32,
                    into result: UnsafeMutablePointer<Float>) {
        let begin = filterRange.lowerBound, channels = Int32(geometry.patchSize)
        var origin: Int32 = 0
        weights.withUnsafeBufferPointer { weights in
            isa.convRun(source, &origin, 1, channels, channels, weights.baseAddress! + begin * Int(channels), bias.map { $0 + begin },
                        Int32(min(filterRange.upperBound, filters) - begin), Int32(filters), result + begin,
                        residual.map { $0 + begin }, Int32(count), store)
        }
    }

    /// Copies the windows (im2col rows) of output positions `positions`, numbered across the batch, one after the
    /// other.
    private func copyPatches(_ input: UnsafePointer<Float>, positions: Range<Int>, into patches: UnsafeMutablePointer<Float>) {
        let g = geometry
        var position = positions.lowerBound
        while position < positions.upperBound {
            let sample = position / g.positions, first = position % g.positions
            let count = min(positions.upperBound - position, g.positions - first)
            g.im2col(input + sample * g.inputCount, positions: first..<(first + count),
                     into: patches + (position - positions.lowerBound) * g.patchSize)
            position += count
        }
    }
}
