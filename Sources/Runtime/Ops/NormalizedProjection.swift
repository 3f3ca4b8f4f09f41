import KerasLensGraph

/// A standalone batch normalization (with the activation after it) whose only reader is a 1×1 convolution, run
/// inside that convolution (inference plans): each chunk of positions is normalized into scratch memory and
/// multiplied from there while in cache, instead of the normalized tensor going out to memory and back. DenseNet
/// normalizes the growing concatenation before every block's first 1×1 layer this way (a pass over up to 1,024
/// channels per position, 61 times per image). The values are the normalization's and the sums the convolution's,
/// so the output is the same, bit for bit.
struct NormalizedProjectionKernel: Kernel {
    let normalization: AffineKernel
    let projection: PointwiseStage
    let positions: Int

    /// nil unless `normalization` is a channels-last per-channel affine kernel and `projection` a stride-1 1×1
    /// convolution on the vector kernel over its output.
    init?(normalization: (any Kernel)?, projection: (any Kernel)?) {
        guard let affine = normalization as? AffineKernel, affine.isChannelsLast, affine.scale.count > 1,
              let stage = PointwiseStage(projection), stage.convolution.geometry.channels == affine.scale.count
        else { return nil }
        self.normalization = affine
        self.projection = stage
        positions = affine.count / affine.scale.count
    }

    /// The normalization's input, then the projection's folded residual, if it has one.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let x = inputs[0], residual = inputs.count > 1 ? inputs[1] : nil
        projection.forwardChunks(rows: batch * positions, residual: residual, into: output) { rows, normalized in
            normalization.transformRows(x, rows: rows, into: normalized)
        }
    }

    /// Inference plans never run backward.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        preconditionFailure("a normalized projection kernel belongs to inference plans only")
    }
}
