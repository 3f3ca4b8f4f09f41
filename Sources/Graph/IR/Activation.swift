/// An element-wise (or, for softmax, per-axis) activation as Keras defines it.
public enum Activation: Sendable, Equatable, Hashable {
    case linear
    case relu
    /// The `ReLU` layer's general form: `x >= max ? max : x >= threshold ? x : slope * (x - threshold)`.
    case clippedReLU(maxValue: Float?, negativeSlope: Float, threshold: Float)
    case relu6
    case sigmoid
    /// Keras 2: `clip(0.2 x + 0.5, 0, 1)`.
    case hardSigmoidKeras2
    /// Keras 3: `clip(x / 6 + 0.5, 0, 1)`.
    case hardSigmoidKeras3
    case tanh
    /// Softmax over one axis of the batched tensor (axis 0 is the batch).
    case softmax(axis: Int)
    case softplus
    case softsign
    case elu(alpha: Float)
    case selu
    case swish
    case gelu(approximate: Bool)
    case exponential
    case leakyReLU(alpha: Float)
    case mish
    /// Keras 3's hard_silu (hard_swish): `x · relu6(x + 3) / 6`.
    case hardSilu
    /// `x − log Σ e^x` over one axis of the batched tensor, like `softmax`.
    case logSoftmax(axis: Int)
    /// `max(x, 0) + (e^min(x, 0) − 1)`, Keras 3's celu with its default α = 1.
    case celu
    /// `x` where `|x| > 0.5`, else 0 (Keras 3's default threshold).
    case hardShrink
    /// `x ∓ 0.5` where `|x| > 0.5`, else 0.
    case softShrink
    /// `clip(x, −1, 1)`.
    case hardTanh
    /// `log σ(x) = −softplus(−x)`.
    case logSigmoid
    /// 0 below −1, `(x + 1)² / 4` up to 1, `x` above.
    case sparsePlus
    /// `clip((x + 1) / 2, 0, 1)`.
    case sparseSigmoid
    /// `(x + √(x² + 4)) / 2`, Keras 3's squareplus with its default b = 4.
    case squareplus
    /// `x − tanh(x)`.
    case tanhShrink
}
