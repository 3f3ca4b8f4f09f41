import COpenBLAS
import KerasLensGraph

extension Activation {
    /// The upper end of a rectifier whose derivative is 1 where its output lies strictly between 0 and that end and
    /// 0 elsewhere (ReLU, ReLU6, a `ReLU` layer with a cap but no slope or threshold; TensorFlow's subgradients at
    /// the kinks); nil for every other activation. Such an activation's derivative is a function of its output,
    /// so a gradient plan fuses it into the layer before, as an inference plan does, and the backward pass masks
    /// the output gradient with the output (`maskGradient`) instead of keeping the pre-activation as a step.
    var outputMaskTop: Float? {
        if self == .relu { return .infinity }
        if self == .relu6 { return 6 }
        if case .clippedReLU(let maxValue, 0, 0) = self { return maxValue ?? .infinity }
        return nil
    }

    /// `g ← g · f′` over `count` values, with `f′` read off the output `y` (see `outputMaskTop`), over the cores. A
    /// value costs a load, a compare and a store, counted as 8 multiply-adds (`Parallel.forEachRange`'s unit): at 1,
    /// gradients under 262,144 values (ResNet50's 14 × 14 × 1024) ran on one core while the other spun.
    func maskGradient(_ g: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int) {
        guard let top = outputMaskTop else { preconditionFailure("\(self) has no derivative read off its output") }
        Parallel.forEachRange(count, cost: 8) { range in
            kl_mask_gradient(g + range.lowerBound, y + range.lowerBound, top, range.count)
        }
    }
}
