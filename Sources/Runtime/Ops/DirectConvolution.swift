import COpenBLAS
import Graph

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

    /// Padded input rows a band of `rows` output rows reads.
    private func paddedRows(_ rows: Int) -> Int {
        (rows - 1) * geometry.strideHeight + (geometry.kernelHeight - 1) * geometry.dilationHeight + 1
    }

    /// `output = activation(conv(input) + bias)` for `batch` samples.
    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                 bias: UnsafePointer<Float>?, filters: Int, activation: Activation) {
        let g = geometry
        let bands = (g.outHeight + bandRows - 1) / bandRows
        let rowFloats = paddedWidth * g.channels
        let relu: Int32 = activation == .relu ? 1 : 0
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
                                result + row * g.outWidth * filters, Int32(g.outWidth), relu)
                        }
                        if activation != .relu && activation != .linear {
                            finishRows(result, rows: rows * g.outWidth, channels: filters, bias: nil, activation: activation)
                        }
                    }
                }
            }
        }
    }
}
