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

    /// Whether the function acts on each element alone (everything but softmax).
    public var isElementwise: Bool {
        if case .softmax = self { return false }
        return true
    }
}
