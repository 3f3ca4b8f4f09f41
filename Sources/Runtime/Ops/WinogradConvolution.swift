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

    /// Whether a forward pass runs through Winograd: it applies, and saves enough products to pay for reading a
    /// transformed kernel 16/9 the size of the direct kernel's — at most 16/3 products an output (16 a 2×2 tile, so
    /// 4 when both output sides are even, against the direct kernel's 9). Small odd layers stay direct: InceptionV3's
    /// 5×5 ones (5.8 products an output) run 7 % faster there, one image.
    static func runsForward(_ g: ConvGeometry) -> Bool {
        let products = 16 * ((g.outHeight + 1) / 2) * ((g.outWidth + 1) / 2)
        return applies(to: g) && 3 * products <= 16 * g.outHeight * g.outWidth
    }

    let geometry: ConvGeometry
    let isa: VectorISA
    /// The transformed kernel `U = G g Gᵀ`, [16][channels][filterStride] with the filters zero-padded, packed in blocks
    /// of `isa.filterBlock` filters (`VectorISA.packed`).
    let transformed: [Float]
    let filterStride: Int
    let filters: Int
    /// Tiles (2×2 output blocks) per row of tiles, and columns of a padded band row: every column they read.
    let tilesPerRow: Int, paddedWidth: Int
    /// Rows of tiles per band: enough tiles that U, streamed once per band, does not outweigh the band's own
    /// scratch (V and M), which stays near the core's cache (~512 KB) where U is small.
    let bandTileRows: Int

    /// `kernel` is Keras's [3, 3, channels, filters].
    init(geometry g: ConvGeometry, kernel: [Float], filters: Int, isa: VectorISA) {
        geometry = g
        self.isa = isa
        self.filters = filters
        tilesPerRow = (g.outWidth + 1) / 2
        paddedWidth = 2 * tilesPerRow + 2
        let channels = g.channels
        let u = Self.transform(kernel, channels: channels, filters: filters)
        (transformed, filterStride) = isa.packed(groups: 16, rows: channels, width: filters) { k, c, f in
            u[(k * channels + c) * filters + f]
        }
        let bandTiles = max(131_072, transformed.count / 4) / (16 * (channels + filterStride))
        bandTileRows = max(1, min((g.outHeight + 1) / 2, bandTiles / tilesPerRow))
    }

    /// The kernel that adds a 3×3 stride-1 convolution's input gradient, `∂L/∂input += conv′(∂L/∂output)`, through
    /// Winograd (`ConvGeometry(adjointOf:)`): 16 products per 2×2 block instead of the direct kernel's 36. Its rounding
    /// moves only gradients, never a forward activation, so no ReLU mask changes. nil where Winograd does not apply
    /// to the adjoint (fewer than 16 filters in the layer, 1-pixel outputs).
    static func adjoint(of g: ConvGeometry, kernel: [Float], filters: Int, isa: VectorISA) -> WinogradConvolution? {
        guard g.strideHeight == 1, g.strideWidth == 1 else { return nil }
        let adjoint = ConvGeometry(adjointOf: g, filters: filters)
        guard applies(to: adjoint) else { return nil }
        return WinogradConvolution(geometry: adjoint, kernel: g.adjointKernel(kernel, filters: filters), filters: g.channels, isa: isa)
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

    /// `output = activation(conv(input) + bias)` for `batch` samples, or with `adding` (a linear convolution without
    /// bias: a backward pass) `output += conv(input)`. Bands of samples are split over the cores; when there are too
    /// few of them (one image's deep layer has one or two), each band is split by filters too.
    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                 bias: UnsafePointer<Float>?, activation: Activation, adding: Bool = false) {
        precondition(!adding || (activation == .linear && bias == nil), "only a linear convolution without bias adds")
        let g = geometry
        let tileRows = (g.outHeight + 1) / 2
        let bands = (tileRows + bandTileRows - 1) / bandTileRows
        let parts = FilterParts(tasks: batch * bands, filters: filters, isa: isa)
        let rowFloats = paddedWidth * g.channels
        let channelStride = (g.channels + isa.lanes - 1) / isa.lanes * isa.lanes
        let slots = max(isa.block, bandTileRows * tilesPerRow)
        let store = adding ? Int32(KL_STORE_ADDING) : activation.registerStore ?? Int32(KL_STORE_SUMS)
        let run = isa.winogradBand
        transformed.withUnsafeBufferPointer { u in
            Parallel.forEachRange(batch * bands * parts.count, cost: bandTileRows * paddedWidth * 8 * g.channels * parts.width) { tasks in
                let band = UnsafeMutablePointer<Float>.allocate(capacity: (2 * bandTileRows + 2) * rowFloats)
                let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * slots * channelStride)
                let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * slots * parts.width)
                defer { band.deallocate(); v.deallocate(); m.deallocate() }
                var padded: Int?
                for task in tasks {
                    let sampleBand = task / parts.count, filterRange = parts.range(task % parts.count)
                    let sample = sampleBand / bands, first = (sampleBand % bands) * bandTileRows
                    let rows = min(bandTileRows, tileRows - first)
                    if padded != sampleBand {
                        g.padRows(input + sample * g.inputCount, from: 2 * first - g.padTop, count: 2 * rows + 2,
                                  width: paddedWidth, into: band)
                        padded = sampleBand
                    }
                    let top = 2 * first, height = min(2 * rows, g.outHeight - top)
                    let result = output + (sample * g.positions + top * g.outWidth) * filters
                    run(band, Int32(rowFloats), Int32(g.channels), Int32(rows), u.baseAddress!, Int32(filterStride),
                        Int32(filterRange.lowerBound), Int32(filterRange.upperBound), bias, Int32(filters), store, result,
                        Int32(g.outWidth), Int32(height), v, m)
                    if activation.registerStore == nil, parts.tasksStoreWholeRows {
                        finishRows(result, rows: height * g.outWidth, channels: filters, bias: nil, activation: activation)
                    }
                }
            }
        }
        parts.finishSplitRows(output, rows: batch * g.positions, channels: filters, activation: activation)
    }
}
