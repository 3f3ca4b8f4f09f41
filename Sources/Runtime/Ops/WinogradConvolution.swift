import COpenBLAS
import KerasLensGraph

/// 3×3 stride-1 convolutions through Winograd F(2×2, 3×3) (`Sources/COpenBLAS/conv_winograd.h`): 16 products per
/// channel pair for each 2×2 block of outputs instead of 36, bias and activation applied in the output transform.
/// Used where the CPU has a vector instruction set and the layer has enough input channels for the products to
/// outweigh the transforms; the direct kernel does the rest.
struct WinogradConvolution: Sendable {
    static func applies(to g: ConvGeometry) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.dilationHeight == 1 && g.dilationWidth == 1 && g.channels >= 16 && g.outHeight >= 2 && g.outWidth >= 2
    }

    let geometry: ConvGeometry
    let isa: VectorISA
    /// The transformed kernel `U = G g Gᵀ`, [16][channels][filterStride] with the filters zero-padded, packed in blocks
    /// of `isa.filterBlock` filters (`VectorISA.packed`).
    let transformed: [Float]
    let filterStride: Int
    let filters: Int
    /// Columns of a padded band row: every column the row's tiles read, 2 · tiles + 2.
    let paddedWidth: Int
    /// Rows of tiles per band (about 256 KB of padded input).
    let bandTileRows: Int

    /// `kernel` is Keras's [3, 3, channels, filters].
    init(geometry g: ConvGeometry, kernel: [Float], filters: Int, isa: VectorISA) {
        geometry = g
        self.isa = isa
        self.filters = filters
        paddedWidth = 2 * ((g.outWidth + 1) / 2) + 2
        bandTileRows = max(1, min((g.outHeight + 1) / 2, (65_536 / (paddedWidth * g.channels) - 2) / 2))
        let channels = g.channels
        let u = Self.transform(kernel, channels: channels, filters: filters)
        (transformed, filterStride) = isa.packed(groups: 16, rows: channels, width: filters) { k, c, f in
            u[(k * channels + c) * filters + f]
        }
    }

    /// `U[k][c][f] = (G g Gᵀ)[k / 4][k % 4]` for each channel and filter of Keras's [3, 3, channels, filters] kernel,
    /// in double precision; loops over raw pointers, since a ResNet50 spent a second of its load here otherwise.
    static func transform(_ kernel: [Float], channels: Int, filters: Int) -> [Float] {
        let transform: [Double] = [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1]  // G, 4 × 3
        var u = [Float](repeating: 0, count: 16 * channels * filters)
        kernel.withUnsafeBufferPointer { kernel in
            transform.withUnsafeBufferPointer { g in
                u.withUnsafeMutableBufferPointer { u in
                    for k in 0..<16 {
                        let (a, b) = (k / 4, k % 4)
                        for c in 0..<channels {
                            for f in 0..<filters {
                                var sum = 0.0
                                for y in 0..<3 {
                                    for x in 0..<3 { sum += g[a * 3 + y] * Double(kernel[((y * 3 + x) * channels + c) * filters + f]) * g[b * 3 + x] }
                                }
                                u[(k * channels + c) * filters + f] = Float(sum)
                            }
                        }
                    }
                }
            }
        }
        return u
    }

    /// `output = activation(conv(input) + bias)` for `batch` samples.
    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                 bias: UnsafePointer<Float>?, activation: Activation) {
        let g = geometry
        let tileRows = (g.outHeight + 1) / 2
        let bands = (tileRows + bandTileRows - 1) / bandTileRows
        let rowFloats = paddedWidth * g.channels
        let channelStride = (g.channels + isa.lanes - 1) / isa.lanes * isa.lanes, block = isa.block
        let store = activation.registerStore ?? Int32(KL_STORE_SUMS)
        let row = isa.winogradRow, filterStride = Int32(filterStride)
        transformed.withUnsafeBufferPointer { u in
            Parallel.forEachRange(batch * bands, cost: bandTileRows * paddedWidth * 8 * g.channels * filters) { tasks in
                let band = UnsafeMutablePointer<Float>.allocate(capacity: (2 * bandTileRows + 2) * rowFloats)
                let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * block * channelStride)
                let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * block * Int(filterStride))
                defer { band.deallocate(); v.deallocate(); m.deallocate() }
                for task in tasks {
                    let sample = task / bands, first = (task % bands) * bandTileRows
                    let rows = min(bandTileRows, tileRows - first)
                    g.padRows(input + sample * g.inputCount, from: 2 * first - g.padTop, count: 2 * rows + 2,
                              width: paddedWidth, into: band)
                    let top = 2 * first, written = min(2 * rows, g.outHeight - top)
                    let result = output + (sample * g.positions + top * g.outWidth) * filters
                    for tileRow in 0..<rows {
                        let row0 = result + 2 * tileRow * g.outWidth * filters
                        let row1 = top + 2 * tileRow + 1 < g.outHeight ? row0 + g.outWidth * filters : nil
                        row(band + 2 * tileRow * rowFloats, Int32(rowFloats), Int32(g.channels), u.baseAddress!, filterStride,
                            bias, Int32(filters), store, row0, row1, Int32(g.outWidth), v, m)
                    }
                    if activation.registerStore == nil {
                        finishRows(result, rows: written * g.outWidth, channels: filters, bias: nil, activation: activation)
                    }
                }
            }
        }
    }
}
