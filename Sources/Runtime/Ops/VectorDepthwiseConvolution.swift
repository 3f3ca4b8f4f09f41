import COpenBLAS
import KerasLensGraph

/// The depthwise convolution forward pass (multiplier 1) through the vector kernel of
/// `Sources/COpenBLAS/conv_depthwise.h`: channels in vectors, bias and ReLU in registers. The input is zero-padded
/// band by band, as for `DirectConvolution`, so the kernel needs no border cases.
struct VectorDepthwiseConvolution: Sendable {
    static func applies(multiplier: Int) -> Bool { multiplier == 1 }

    let geometry: ConvGeometry
    let isa: VectorISA
    /// Keras's kernel [kh, kw, channels, 1] read as [taps][channels].
    let weights: [Float]
    let paddedWidth: Int
    let bandRows: Int
    let taps: [Int32]

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
    }

    private func paddedRows(_ rows: Int) -> Int {
        (rows - 1) * geometry.strideHeight + (geometry.kernelHeight - 1) * geometry.dilationHeight + 1
    }

    /// `output = activation(depthwise(input) + bias)` for `batch` samples.
    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                 bias: UnsafePointer<Float>?, activation: Activation) {
        let g = geometry
        let bands = (g.outHeight + bandRows - 1) / bandRows
        let rowFloats = paddedWidth * g.channels
        let relu: Int32 = activation == .relu ? 1 : 0
        let run = isa.depthwiseRun
        taps.withUnsafeBufferPointer { taps in
            weights.withUnsafeBufferPointer { weights in
                Parallel.forEachRange(batch * bands, cost: bandRows * g.outWidth * taps.count * g.channels) { tasks in
                    let band = UnsafeMutablePointer<Float>.allocate(capacity: paddedRows(bandRows) * rowFloats)
                    defer { band.deallocate() }
                    for task in tasks {
                        let sample = task / bands, first = (task % bands) * bandRows
                        let rows = min(bandRows, g.outHeight - first)
                        g.padRows(input + sample * g.inputCount, from: first * g.strideHeight - g.padTop, count: paddedRows(rows),
                                  width: paddedWidth, into: band)
                        let result = output + (sample * g.positions + first * g.outWidth) * g.channels
                        for row in 0..<rows {
                            run(band + row * g.strideHeight * rowFloats, taps.baseAddress!, Int32(taps.count), Int32(g.channels),
                                Int32(g.strideWidth * g.channels), weights.baseAddress!, bias,
                                result + row * g.outWidth * g.channels, Int32(g.outWidth), relu)
                        }
                        if activation != .relu && activation != .linear {
                            finishRows(result, rows: rows * g.outWidth, channels: g.channels, bias: nil, activation: activation)
                        }
                    }
                }
            }
        }
    }
}
