import COpenBLAS
import KerasLensGraph

/// A 1×1 convolution whose only reader is a depthwise convolution, run as one kernel (inference plans), and with
/// it the 1×1 convolution that projects the depthwise output back, when that is its only reader: MobileNet's and
/// EfficientNet's inverted residual blocks. Each band of the depthwise layer's output rows expands just the input
/// rows it reads, straight into its padded scratch band, and the projection reads the band's output while it is in
/// cache. The blocks widen the channels six times (4.8 MB per image in MobileNetV2's `block_1_expand`): unfused,
/// the wide tensors go out to memory and back, and are copied once more into padded bands. Every value is summed
/// as by the kernels one after the other, so the output is the same, bit for bit.
struct ExpandedDepthwiseKernel: Kernel {
    let expand: PointwiseStage
    let depthwise: VectorDepthwiseConvolution
    let depthwiseBias: [Float]?
    let depthwiseActivation: Activation
    /// The projection (nil: the depthwise output is the result); a second input is its folded residual.
    let project: PointwiseStage?

    /// Expanded tensors smaller than this (floats per sample) fit in a core's L2 cache unfused, and their layers
    /// keep the unfused kernels' finer split of one image over the cores.
    static let smallestExpansion = 131_072

    /// nil unless `expand` is a stride-1 1×1 convolution on the vector kernel, without a residual input, and
    /// `depthwise` a depthwise convolution on the vector kernel, over an expanded tensor of at least `smallest`
    /// floats per sample.
    init?(expand: (any Kernel)?, depthwise: (any Kernel)?, smallest: Int = Self.smallestExpansion) {
        guard let stage = PointwiseStage(expand), let depthwiseKernel = depthwise as? DepthwiseConvolutionKernel,
              let vector = depthwiseKernel.vector else { return nil }
        let g = stage.convolution.geometry, d = vector.geometry
        guard d.channels == stage.filters, d.inHeight == g.outHeight, d.inWidth == g.outWidth,
              g.positions * stage.filters >= smallest else { return nil }
        self.expand = stage
        self.depthwise = vector
        depthwiseBias = depthwiseKernel.bias
        depthwiseActivation = depthwiseKernel.activation
        project = nil
    }

    private init(_ kernel: ExpandedDepthwiseKernel, project: PointwiseStage) {
        expand = kernel.expand
        depthwise = kernel.depthwise
        depthwiseBias = kernel.depthwiseBias
        depthwiseActivation = kernel.depthwiseActivation
        self.project = project
    }

    /// This kernel followed by `projection` (its residual, if it has one, the step's second input); nil unless
    /// `projection` is a stride-1 1×1 convolution on the vector kernel over this kernel's output.
    func projecting(_ projection: (any Kernel)?) -> ExpandedDepthwiseKernel? {
        guard project == nil, let stage = PointwiseStage(projection), stage.convolution.geometry.channels == depthwise.geometry.channels
        else { return nil }
        return ExpandedDepthwiseKernel(self, project: stage)
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let g = depthwise.geometry
        // One image is split into a few parts of rows for the cores; each part's bands reuse the rows they share.
        let bands = (g.outHeight + depthwise.bandRows - 1) / depthwise.bandRows
        let parts = min(bands, max(1, (2 * Parallel.workers + batch - 1) / batch))
        let channels = project?.filters ?? g.channels, residual = inputs.count > 1 ? inputs[1] : nil
        let cost = g.outWidth * g.strideHeight * (expand.convolution.geometry.channels + depthwise.taps.count + channels) * g.channels
        Parallel.forEachRange(batch * parts, cost: cost * g.outHeight / parts) { tasks in
            let band = UnsafeMutablePointer<Float>.allocate(capacity: depthwise.bandCapacity)
            let wide = UnsafeMutablePointer<Float>.allocate(capacity: project == nil ? 0 : depthwise.bandRows * g.outWidth * g.channels)
            defer {
                band.deallocate()
                wide.deallocate()
            }
            for task in tasks {
                let sample = task / parts, part = task % parts, offset = sample * g.positions * channels
                let rows = (part * g.outHeight / parts)..<((part + 1) * g.outHeight / parts)
                forward(sample: inputs[0] + sample * expand.convolution.geometry.inputCount, rows: rows, band: band, wide: wide,
                        residual: residual.map { $0 + offset }, into: output + offset)
            }
        }
    }

    /// Output rows `rows` of one sample, band after band; a band's first padded rows are the previous band's last.
    /// `wide` holds a band's depthwise output on its way to the projection.
    private func forward(sample: UnsafePointer<Float>, rows: Range<Int>, band: UnsafeMutablePointer<Float>,
                         wide: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>) {
        let g = depthwise.geometry, rowFloats = depthwise.paddedWidth * g.channels
        let channels = project?.filters ?? g.channels
        let store = depthwiseActivation.registerStore ?? Int32(KL_STORE_SUMS)
        var held: Range<Int> = 0..<0
        withOptionalPointer(depthwiseBias) { bias in
            for first in stride(from: rows.lowerBound, to: rows.upperBound, by: depthwise.bandRows) {
                let bandRows = first..<min(first + depthwise.bandRows, rows.upperBound)
                let top = depthwise.paddedTop(bandRows), count = depthwise.paddedRows(bandRows.count)
                let kept = held.contains(top) ? held.upperBound - top : 0
                if kept > 0 { band.update(from: band + (top - held.lowerBound) * rowFloats, count: kept * rowFloats) }
                for row in kept..<count { fill(band + row * rowFloats, inputRow: top + row, of: sample) }
                held = top..<(top + count)
                let positions = bandRows.count * g.outWidth, offset = first * g.outWidth * channels
                let result = project == nil ? output + offset : wide
                depthwise.runBand(band, rows: bandRows.count, bias: bias, store: store, into: result)
                if depthwiseActivation.registerStore == nil {
                    finishRows(result, rows: positions, channels: g.channels, bias: nil, activation: depthwiseActivation)
                }
                project?.apply(wide, count: positions, residual: residual.map { $0 + offset }, into: output + offset)
            }
        }
    }

    /// One padded row of the expanded tensor: zeros where the depthwise windows reach past the input, else the
    /// 1×1 convolution of input row `inputRow`.
    private func fill(_ destination: UnsafeMutablePointer<Float>, inputRow: Int, of sample: UnsafePointer<Float>) {
        let g = depthwise.geometry, rowFloats = depthwise.paddedWidth * g.channels
        let columns = max(0, min(g.inWidth, depthwise.paddedWidth - g.padLeft))
        guard inputRow >= 0, inputRow < g.inHeight, columns > 0 else { return destination.update(repeating: 0, count: rowFloats) }
        let before = g.padLeft * g.channels, written = columns * g.channels
        destination.update(repeating: 0, count: before)
        (destination + before + written).update(repeating: 0, count: rowFloats - before - written)
        expand.apply(sample + inputRow * g.inWidth * expand.convolution.geometry.channels, count: columns, residual: nil,
                     into: destination + before)
    }

    /// Inference plans never run backward.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        preconditionFailure("an expanded depthwise kernel belongs to inference plans only")
    }
}

/// A stride-1 1×1 convolution on the vector kernel, applied to a run of positions as `DirectConvolution.forward`
/// applies it to a chunk: the same sums, bias, activation and residual.
struct PointwiseStage: Sendable {
    let convolution: DirectConvolution
    let bias: [Float]?
    let activation: Activation
    let filters: Int

    init?(_ kernel: (any Kernel)?) {
        guard let kernel = kernel as? ConvolutionKernel, let direct = kernel.direct else { return nil }
        let g = direct.geometry
        guard g.readsOnePosition, g.strideHeight == 1, g.strideWidth == 1, g.dilationHeight == 1, g.dilationWidth == 1
        else { return nil }
        convolution = direct
        bias = kernel.bias
        activation = kernel.activation
        filters = kernel.filters
    }

    /// How the kernel stores its sums: the activation in registers where it can, else the sums.
    private var store: Int32 { activation.registerStore ?? Int32(KL_STORE_SUMS) }

    /// `count` positions' outputs, one after the other from `result`, of the inputs one after the other at `source`;
    /// `residual`, laid out as the outputs, is added before the activation.
    func apply(_ source: UnsafePointer<Float>, count: Int, residual: UnsafePointer<Float>?, into result: UnsafeMutablePointer<Float>) {
        withOptionalPointer(bias) { bias in
            convolution.runPatches(source, count: count, filters: filters, filterRange: 0..<filters, bias: bias, residual: residual,
                                   store: store, into: result)
        }
        if activation.registerStore == nil { finishRows(result, rows: count, channels: filters, bias: nil, activation: activation) }
    }

    /// The outputs of `rows` positions (numbered across the batch) whose inputs `prepare(rows, into)` writes chunk by
    /// chunk into scratch memory, in cache, just before they are multiplied (`DirectConvolution.forwardChunks`): a
    /// squeeze-and-excitation's scaling (`GatedProjectionKernel`), a normalization (`NormalizedProjectionKernel`).
    func forwardChunks(rows: Int, residual: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>,
                       prepare: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        withOptionalPointer(bias) { bias in
            convolution.forwardChunks(rows: rows, inPlace: nil, bias: bias, filters: filters, activation: activation,
                                      residual: residual, store: store, into: output, copying: prepare)
        }
    }
}
