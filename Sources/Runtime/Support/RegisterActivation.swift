import COpenBLAS
import KerasLensGraph

extension Activation {
    /// How the direct and depthwise vector kernels store their sums when they apply this activation themselves, in
    /// registers before the single store (`KL_STORE_*` of `COpenBLAS/simd_blocks.h`): ReLU, ReLU capped at 6
    /// (`relu6`, MobileNet's `ReLU(max_value=6)`), hard-swish (MobileNetV3, as `foldingHardSwish` makes it) and
    /// swish (EfficientNet; the vector sigmoid of `Swish.apply`, so the same bits).
    /// nil: the kernel stores the sums and the activation runs over the stored rows after it (`finishRows`).
    var registerStore: Int32? {
        if self == .linear { return Int32(KL_STORE_SUMS) }
        if self == .relu { return Int32(KL_STORE_RELU) }
        if self == .relu6 || self == .clippedReLU(maxValue: 6, negativeSlope: 0, threshold: 0) { return Int32(KL_STORE_RELU6) }
        if self == .hardSilu { return Int32(KL_STORE_HARD_SILU) }
        if self == .swish { return Int32(KL_STORE_SWISH) }
        return nil
    }
}
