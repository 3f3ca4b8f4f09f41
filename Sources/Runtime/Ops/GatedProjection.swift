import KerasLensGraph

/// A squeeze-and-excitation's scaling, `x · gate` with one gate per channel and sample, whose only reader is a 1×1
/// convolution, run inside that convolution (inference plans): each chunk of positions is scaled into scratch
/// memory and multiplied from there while in cache, instead of the scaled tensor going out to memory and back.
/// EfficientNet and MobileNetV3 scale every block's depthwise output this way before projecting it. The products
/// are the merge's and the sums the convolution's, so the output is the same, bit for bit.
struct GatedProjectionKernel: Kernel {
    let projection: PointwiseStage
    /// Which of the merge's two inputs is the gate ([1, 1, channels]); the other is the scaled tensor.
    let gateIndex: Int
    let positions: Int
    let channels: Int

    /// nil unless `merge` multiplies a tensor by a per-channel gate and `projection` is a stride-1 1×1 convolution
    /// on the vector kernel over its output.
    init?(gate merge: (any Kernel)?, projection: (any Kernel)?) {
        guard let merge = merge as? MergeKernel, merge.kind == .multiply, merge.reads.count == 2,
              let stage = PointwiseStage(projection), stage.convolution.geometry.channels == merge.width,
              let gate = merge.reads.firstIndex(where: { $0.count == merge.width && $0.step == 1 }),
              merge.reads[1 - gate].count == merge.count, merge.reads[1 - gate].step == 1, merge.count > merge.width
        else { return nil }
        self.projection = stage
        gateIndex = gate
        positions = merge.count / merge.width
        channels = merge.width
    }

    /// The merge's two inputs in its order, then the projection's folded residual, if it has one.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let x = inputs[1 - gateIndex], gate = inputs[gateIndex], residual = inputs.count > 2 ? inputs[2] : nil
        projection.forwardChunks(rows: batch * positions, residual: residual, into: output) { rows, scaled in
            scale(x, by: gate, rows: rows, into: scaled)
        }
    }

    /// Rows `rows` (numbered across the batch) of `x`, each times its sample's gate, one after the other.
    private func scale(_ x: UnsafePointer<Float>, by gate: UnsafePointer<Float>, rows: Range<Int>,
                       into scaled: UnsafeMutablePointer<Float>) {
        for row in rows {
            let source = x + row * channels, factors = gate + row / positions * channels
            let target = scaled + (row - rows.lowerBound) * channels
            for c in 0..<channels { target[c] = source[c] * factors[c] }
        }
    }

    /// Inference plans never run backward.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        preconditionFailure("a gated projection kernel belongs to inference plans only")
    }
}
