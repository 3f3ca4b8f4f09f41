import KerasLensGraph

/// A standalone batch normalization (with the activation after it) whose only reader is a 1×1 convolution, run
/// inside that convolution (inference plans): each chunk of positions is normalized into scratch memory and
/// multiplied from there while in cache, instead of the normalized tensor going out to memory and back. DenseNet
/// normalizes the growing concatenation before every block's first 1×1 layer this way (a pass over up to 1,024
/// channels per position, 61 times per image). The values are the normalization's and the sums the convolution's,
/// so the output is the same, bit for bit.
///
/// The normalization's input may come as the parts of a channels-last concatenation (`gathering`): DenseNet's
/// growing concatenation is then never copied whole, each block's parts are gathered as they are normalized.
struct NormalizedProjectionKernel: Kernel {
    let normalization: AffineKernel
    let projection: PointwiseStage
    let positions: Int
    /// Channels of each input the normalization reads, in order: one input, or a concatenation's parts.
    let widths: [Int]

    /// nil unless `normalization` is a channels-last per-channel affine kernel and `projection` a stride-1 1×1
    /// convolution on the vector kernel over its output.
    init?(normalization: (any Kernel)?, projection: (any Kernel)?) {
        guard let affine = normalization as? AffineKernel, affine.isChannelsLast, affine.scale.count > 1,
              let stage = PointwiseStage(projection), stage.convolution.geometry.channels == affine.scale.count
        else { return nil }
        self.normalization = affine
        self.projection = stage
        positions = affine.count / affine.scale.count
        widths = [affine.scale.count]
    }

    private init(_ kernel: Self, widths: [Int]) {
        (normalization, projection, positions, self.widths) = (kernel.normalization, kernel.projection, kernel.positions, widths)
    }

    /// This kernel reading the normalization's input as the parts of a channels-last concatenation, `widths[i]`
    /// channels each (they add up to its channels).
    func gathering(_ widths: [Int]) -> Self {
        precondition(widths.reduce(0, +) == normalization.scale.count, "the parts make up the normalized channels")
        return Self(self, widths: widths)
    }

    /// The normalization's input (or its parts), then the projection's folded residual, if it has one.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let parts = Array(inputs.prefix(widths.count)), residual = inputs.count > widths.count ? inputs[widths.count] : nil
        projection.forwardChunks(rows: batch * positions, residual: residual, into: output) { rows, normalized in
            if parts.count == 1 {
                normalization.transformRows(parts[0], rows: rows, into: normalized)
            } else {
                normalization.transformRows(parts, widths: widths, rows: rows, into: normalized)
            }
        }
    }

    /// Inference plans never run backward.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        preconditionFailure("a normalized projection kernel belongs to inference plans only")
    }
}
