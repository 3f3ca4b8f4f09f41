import COpenBLAS
import KerasLensGraph

/// The depthwise convolution forward pass (multiplier 1) through the vector kernel of
/// `Sources/COpenBLAS/conv_depthwise.h`: channels in vectors, bias and ReLU in registers. Layers the sliding kernel
/// takes (undilated, 3 or 5 columns wide, stride 1 or 2: MobileNet's, EfficientNet's, Xception's) read their input
/// rows in place, the few windows that reach into the padding one at a time; others read a band of zero-padded
/// rows, as `DirectConvolution` does, so the kernel needs no border cases.
struct VectorDepthwiseConvolution: Sendable {
    static func applies(multiplier: Int) -> Bool { multiplier == 1 }

    let geometry: ConvGeometry
    let isa: VectorISA
    /// Keras's kernel [kh, kw, channels, 1] read as [taps][channels].
    let weights: [Float]
    let paddedWidth: Int
    let bandRows: Int
    let taps: [Int32]
    /// Output columns whose windows lie inside the input's columns (taken as undilated): where `forwardBand` runs the
    /// sliding kernel when the layer reads its input in place; the columns either side go window by window.
    let interior: Range<Int>
    /// Whether the layer reads its input rows in place rather than a padded copy of them (see the type's comment).
    var readsInPlace: Bool {
        geometry.dilationHeight == 1 && geometry.dilationWidth == 1 && [3, 5].contains(geometry.kernelWidth)
            && [1, 2].contains(geometry.strideWidth)
    }

    init(geometry g: ConvGeometry, kernel: [Float], isa: VectorISA) {
        geometry = g
        self.isa = isa
        weights = kernel
        paddedWidth = (g.outWidth - 1) * g.strideWidth + (g.kernelWidth - 1) * g.dilationWidth + 1
        bandRows = max(1, min(g.outHeight, 65_536 / max(1, paddedWidth * g.channels * g.strideHeight)))
        var taps: [Int32] = []
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth { taps.append(Int32((ky * g.dilationHeight * paddedWidth + kx * g.dilationWidth) * g.channels)) }
        }
        self.taps = taps
        let first = (g.padLeft + g.strideWidth - 1) / g.strideWidth
        let end = g.inWidth + g.padLeft >= g.kernelWidth ? min(g.outWidth, (g.inWidth + g.padLeft - g.kernelWidth) / g.strideWidth + 1) : 0
        interior = first..<max(first, end)
    }

    /// The kernel that adds a stride-1 depthwise convolution's input gradient: the same depthwise kernel over the
    /// output gradient with the taps flipped (see `ConvGeometry(adjointOf:)`). nil for strided layers.
    static func adjoint(of g: ConvGeometry, kernel: [Float], isa: VectorISA) -> VectorDepthwiseConvolution? {
        guard g.strideHeight == 1, g.strideWidth == 1 else { return nil }
        let taps = g.kernelHeight * g.kernelWidth
        let flipped = (0..<taps).flatMap { tap in kernel[((taps - 1 - tap) * g.channels)..<((taps - tap) * g.channels)] }
        return VectorDepthwiseConvolution(geometry: ConvGeometry(adjointOf: g, filters: g.channels), kernel: flipped, isa: isa)
    }

    /// Padded input rows a band of `rows` output rows reads.
    func paddedRows(_ rows: Int) -> Int {
        (rows - 1) * geometry.strideHeight + (geometry.kernelHeight - 1) * geometry.dilationHeight + 1
    }

    /// `output = activation(depthwise(input) + bias)` for `batch` samples, or with `adding` (linear, no bias: a
    /// backward pass) `output += depthwise(input)`.
    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                 bias: UnsafePointer<Float>?, activation: Activation, adding: Bool = false) {
        precondition(!adding || (activation == .linear && bias == nil), "only a linear convolution without bias adds")
        let g = geometry
        let sampleBands = bands(batch: batch), bands = sampleBands.count
        let store = adding ? Int32(KL_STORE_ADDING) : activation.registerStore ?? Int32(KL_STORE_SUMS)
        Parallel.forEachRange(batch * bands, cost: sampleBands.size * g.outWidth * taps.count * g.channels) { tasks in
            let band = UnsafeMutablePointer<Float>.allocate(capacity: forwardScratch)
            defer { band.deallocate() }
            for task in tasks {
                let sample = task / bands, rows = sampleBands.range(task % bands)
                let result = output + (sample * g.positions + rows.lowerBound * g.outWidth) * g.channels
                forwardBand(input + sample * g.inputCount, rows: rows, scratch: band, bias: bias, store: store, into: result)
                if activation.registerStore == nil {
                    finishRows(result, rows: rows.count * g.outWidth, channels: g.channels, bias: nil, activation: activation)
                }
            }
        }
    }

    /// Floats of one band's padded input rows.
    var bandCapacity: Int { paddedRows(bandRows) * paddedWidth * geometry.channels }
    /// Floats of scratch `forwardBand` needs: a band of padded rows unless the layer reads its input in place.
    var forwardScratch: Int { readsInPlace ? 0 : bandCapacity }

    /// A sample's bands of output rows for a batch of `batch`: at most `bandRows` rows each, in a multiple of the
    /// cores' count, larger first (`RowChunks`), and with fewer samples than cores at least one band per core. One
    /// image's 7 rows in MobileNetV2's last blocks ran on one core, its 14 rows of 384 channels as 10 and 4 rows.
    func bands(batch: Int) -> RowChunks {
        let workers = Parallel.workers, rows = geometry.outHeight
        return RowChunks(rows: rows, block: 1, most: batch < workers ? min(bandRows, (rows + workers - 1) / workers) : bandRows)
    }

    /// One sample's output rows `rows` into `result` (their positions one after the other), stored as `store` says;
    /// `scratch` holds `forwardScratch` floats.
    func forwardBand(_ sample: UnsafePointer<Float>, rows: Range<Int>, scratch band: UnsafeMutablePointer<Float>,
                     bias: UnsafePointer<Float>?, store: Int32, into result: UnsafeMutablePointer<Float>) {
        guard readsInPlace else {
            geometry.padRows(sample, from: paddedTop(rows), count: paddedRows(rows.count), width: paddedWidth, into: band)
            return runBand(band, rows: rows.count, bias: bias, store: store, into: result)
        }
        let g = geometry
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: g.kernelHeight) { inputRows in
            weights.withUnsafeBufferPointer { weights in
                for (index, y) in rows.enumerated() {
                    for ky in 0..<g.kernelHeight {
                        let iy = y * g.strideHeight - g.padTop + ky
                        inputRows[ky] = iy >= 0 && iy < g.inHeight ? sample + iy * g.inWidth * g.channels : nil
                    }
                    let output = result + index * g.outWidth * g.channels
                    let window = { (x: Int) in
                        isa.depthwiseWindow(inputRows.baseAddress, Int32(x * g.strideWidth - g.padLeft), Int32(g.inWidth),
                                            Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(g.channels), weights.baseAddress!,
                                            bias, output + x * g.channels, store)
                    }
                    for x in 0..<interior.lowerBound { window(x) }
                    let done = interior.isEmpty ? 0 : Int(isa.depthwiseRows(
                        inputRows.baseAddress, Int32(interior.lowerBound * g.strideWidth - g.padLeft), Int32(g.kernelHeight),
                        Int32(g.kernelWidth), Int32(g.strideWidth), Int32(g.channels), weights.baseAddress!, bias,
                        output + interior.lowerBound * g.channels, Int32(interior.count), store))
                    for x in (interior.lowerBound + done)..<g.outWidth { window(x) }
                }
            }
        }
    }

    /// The first input row (negative in the padding) that output rows `rows` read.
    func paddedTop(_ rows: Range<Int>) -> Int { rows.lowerBound * geometry.strideHeight - geometry.padTop }

    /// `rows` output rows from a band already holding their `paddedRows(rows)` padded input rows.
    func runBand(_ band: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>?, store: Int32,
                 into result: UnsafeMutablePointer<Float>) {
        let g = geometry, rowFloats = paddedWidth * g.channels
        // Without dilation, blocks of 8 and 4 positions reuse each input vector across taps (`kl_depthwise_rows`).
        let slides = g.dilationHeight == 1 && g.dilationWidth == 1
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: g.kernelHeight) { inputRows in
            taps.withUnsafeBufferPointer { taps in
                weights.withUnsafeBufferPointer { weights in
                    for row in 0..<rows {
                        let input = band + row * g.strideHeight * rowFloats, output = result + row * g.outWidth * g.channels
                        for ky in 0..<g.kernelHeight { inputRows[ky] = UnsafePointer(input + ky * rowFloats) }
                        let done = slides
                            ? Int(isa.depthwiseRows(inputRows.baseAddress, 0, Int32(g.kernelHeight), Int32(g.kernelWidth),
                                                    Int32(g.strideWidth), Int32(g.channels), weights.baseAddress!, bias, output,
                                                    Int32(g.outWidth), store))
                            : 0
                        isa.depthwiseRun(input + done * g.strideWidth * g.channels, taps.baseAddress!, Int32(taps.count),
                                         Int32(g.channels), Int32(g.strideWidth * g.channels), weights.baseAddress!, bias,
                                         output + done * g.channels, Int32(g.outWidth - done), store)
                    }
                }
            }
        }
    }
}
