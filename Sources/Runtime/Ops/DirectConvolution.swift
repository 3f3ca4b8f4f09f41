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
    /// Each kernel tap's offset in a padded band from the window's origin.
    let taps: [Int32]

    /// `kernel` is Keras's [kh, kw, channels, filters].
    init(geometry g: ConvGeometry, kernel: [Float], filters: Int, isa: VectorISA) {
        geometry = g
        self.isa = isa
        weights = isa.packed(rows: kernel.count / filters, width: filters) { _, row, column in kernel[row * filters + column] }.values
        paddedWidth = (g.outWidth - 1) * g.strideWidth + (g.kernelWidth - 1) * g.dilationWidth + 1
        bandRows = max(1, min(g.outHeight, 65_536 / max(1, paddedWidth * g.channels * g.strideHeight)))
        var taps: [Int32] = []
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth { taps.append(Int32((ky * g.dilationHeight * paddedWidth + kx * g.dilationWidth) * g.channels)) }
        }
        self.taps = taps
    }

    /// The kernel that adds a stride-1 convolution's input gradient, `∂L/∂input += conv′(∂L/∂output)` (see
    /// `ConvGeometry(adjointOf:)`): the same vector kernel, so a backward pass runs as fast as a forward one and
    /// splits one image over the cores, where im2col's adjoint adds overlapping patches sample by sample. nil for
    /// strided convolutions.
    static func adjoint(of g: ConvGeometry, kernel: [Float], filters: Int, isa: VectorISA) -> DirectConvolution? {
        guard g.strideHeight == 1, g.strideWidth == 1 else { return nil }
        let taps = g.kernelHeight * g.kernelWidth
        // [kh, kw, in, out] → flipped taps, [kh, kw, out, in]
        var flipped = [Float](repeating: 0, count: kernel.count)
        for tap in 0..<taps {
            let source = (taps - 1 - tap) * g.channels * filters, target = tap * filters * g.channels
            for c in 0..<g.channels {
                for f in 0..<filters { flipped[target + f * g.channels + c] = kernel[source + c * filters + f] }
            }
        }
        return DirectConvolution(geometry: ConvGeometry(adjointOf: g, filters: filters), kernel: flipped, filters: g.channels, isa: isa)
    }

    /// Padded input rows a band of `rows` output rows reads.
    private func paddedRows(_ rows: Int) -> Int {
        (rows - 1) * geometry.strideHeight + (geometry.kernelHeight - 1) * geometry.dilationHeight + 1
    }

    /// `output = activation(conv(input) + bias)` for `batch` samples, or with `adding` (a linear convolution without
    /// bias: a backward pass) `output += conv(input)`.
    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                 bias: UnsafePointer<Float>?, filters: Int, activation: Activation, adding: Bool = false) {
        precondition(!adding || (activation == .linear && bias == nil), "only a linear convolution without bias adds")
        let store = adding ? Int32(KL_STORE_ADDING) : activation.registerStore ?? Int32(KL_STORE_SUMS)
        if geometry.isPointwise {
            return forwardPointwise(input, output, batch: batch, bias: bias, filters: filters, activation: activation, store: store)
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
                        let result = output + (sample * g.positions + first * g.outWidth) * filters
                        for row in 0..<rows {
                            run(band + row * g.strideHeight * rowFloats, taps.baseAddress!, Int32(taps.count), Int32(g.channels),
                                Int32(g.strideWidth * g.channels), weights.baseAddress!, bias, Int32(filters),
                                result + row * g.outWidth * filters, Int32(g.outWidth), store)
                        }
                        if activation.registerStore == nil {
                            finishRows(result, rows: rows * g.outWidth, channels: filters, bias: nil, activation: activation)
                        }
                    }
                }
            }
        }
    }

    /// Pointwise layers (1×1, stride 1, no padding; most of ResNet's and MobileNet's work) read the input in place,
    /// a chunk of positions per call across row ends: no band to copy, and no register block half wasted at the end
    /// of every 7- or 14-position row. A chunk holds about 128 KB of input, which each block of filters re-reads
    /// from cache; there are enough chunks to keep every core busy on one image. Each position's sums are the
    /// same however the positions are chunked.
    private func forwardPointwise(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                                  bias: UnsafePointer<Float>?, filters: Int, activation: Activation, store: Int32) {
        let g = geometry
        let most = max(4 * isa.block, 32_768 / max(1, g.channels))
        let wanted = max((g.positions + most - 1) / most, min(2 * Parallel.workers, g.positions / (2 * isa.block)), 1)
        let chunk = (g.positions + wanted - 1) / wanted, chunks = (g.positions + chunk - 1) / chunk
        let run = isa.convRun
        taps.withUnsafeBufferPointer { taps in  // the one tap, at offset 0
            weights.withUnsafeBufferPointer { weights in
                Parallel.forEachRange(batch * chunks, cost: chunk * g.channels * filters) { tasks in
                    for task in tasks {
                        let first = (task % chunks) * chunk, count = min(chunk, g.positions - first)
                        let position = (task / chunks) * g.positions + first
                        run(input + position * g.channels, taps.baseAddress!, 1, Int32(g.channels), Int32(g.channels),
                            weights.baseAddress!, bias, Int32(filters), output + position * filters, Int32(count), store)
                        if activation.registerStore == nil {
                            finishRows(output + position * filters, rows: count, channels: filters, bias: nil, activation: activation)
                        }
                    }
                }
            }
        }
    }
}
