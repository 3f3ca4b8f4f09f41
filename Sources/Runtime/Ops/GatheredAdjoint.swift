import COpenBLAS

/// The input gradient of a convolution over at most four input channels (an image model's first layer, a 1-D
/// model's single channel), gathered: each input value's gradient is the dot product, over the windows that read it
/// and the layer's filters, of the output gradient with the kernel (`kl_conv_gather_row`), the lanes running over
/// the filters. The adjoint convolution on the direct kernel keeps its lanes on the input's channels instead, 3 of 16
/// busy for RGB: VGG16's `block1_conv1` took 4.6 ms backward against 0.56 forward, HMT's `conv2d` 8 ×, ResNet50's
/// 7×7 stride-2 stem (`StridedAdjoint`) 1.9 ×. Every input value is written once and rows are independent, so the
/// gradient needs no zeroing first and rows split over the cores in any way with the same result.
struct GatheredAdjoint: Sendable {
    /// The most input channels: the kernel keeps `channels × vectors of filters` sums in registers.
    static let mostChannels = 4

    let geometry: ConvGeometry
    /// Keras's kernel [kh, kw, in, out]: the layout the dot products read.
    let kernel: [Float]
    let filters: Int
    let isa: VectorISA

    /// nil for more than `mostChannels` input channels, fewer filters than the kernel's step of two vectors (their
    /// lanes would idle: MobileNetV3Small's 16-filter stem took 0.24 ms backward against 0.18 on `StridedAdjoint`), a
    /// kernel taller than `KL_GATHER_MOST_SIDE`, or a layer both strided and dilated (Keras allows neither).
    init?(of g: ConvGeometry, kernel: [Float], filters: Int, isa: VectorISA) {
        let strided = g.strideHeight > 1 || g.strideWidth > 1, dilated = g.dilationHeight > 1 || g.dilationWidth > 1
        guard g.channels <= Self.mostChannels, g.channels > 0, filters >= isa.filterBlock,
              g.kernelHeight <= Int(KL_GATHER_MOST_SIDE), !(strided && dilated) else { return nil }
        geometry = g
        self.kernel = kernel
        self.filters = filters
        self.isa = isa
    }

    /// `gx = ∂L/∂input` for `batch` samples, or with `adding` `gx += ∂L/∂input`.
    func gradient(_ outputGradient: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>, batch: Int,
                  adding: Bool) {
        let g = geometry, outputCount = g.positions * filters, row = isa.convGatherRow
        var shape = kl_conv_geometry(inHeight: Int32(g.inHeight), inWidth: Int32(g.inWidth),
                                     outHeight: Int32(g.outHeight), outWidth: Int32(g.outWidth),
                                     kernelHeight: Int32(g.kernelHeight), kernelWidth: Int32(g.kernelWidth),
                                     strideHeight: Int32(g.strideHeight), strideWidth: Int32(g.strideWidth),
                                     dilationHeight: Int32(g.dilationHeight), dilationWidth: Int32(g.dilationWidth),
                                     padTop: Int32(g.padTop), padLeft: Int32(g.padLeft), channels: Int32(g.channels),
                                     filters: Int32(filters))
        // The windows reading one input value: about the kernel's taps over the strides'.
        let windows = max(1, g.kernelHeight / g.strideHeight) * max(1, g.kernelWidth / g.strideWidth)
        kernel.withUnsafeBufferPointer { kernel in
            withUnsafePointer(to: &shape) { shape in
                Parallel.forEachRange(batch * g.inHeight, cost: g.inWidth * g.channels * windows * filters) { rows in
                    for item in rows {
                        let sample = item / g.inHeight, iy = item % g.inHeight
                        row(outputGradient + sample * outputCount, kernel.baseAddress, shape, Int32(iy),
                            gx + sample * g.inputCount + iy * g.inWidth * g.channels, adding ? 1 : 0)
                    }
                }
            }
        }
    }
}
