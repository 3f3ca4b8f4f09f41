/// Every kind of activation, one per `Activation` case, so that tests and records can enumerate them: a new case
/// does not compile until it has a kind here, and the tests that walk `ActivationKind.allCases` ask for an example.
public enum ActivationKind: String, CaseIterable, Sendable {
    // The raw values are the activation type names of the native format (docs/FORMAT.md).
    case linear, relu
    case clippedReLU = "clipped_relu"
    case relu6, sigmoid
    case hardSigmoidKeras2 = "hard_sigmoid_keras2"
    case hardSigmoidKeras3 = "hard_sigmoid_keras3"
    case tanh, softmax, softplus, softsign, elu, selu, swish, gelu, exponential
    case leakyReLU = "leaky_relu"
    case mish
    case hardSilu = "hard_silu"
    case logSoftmax = "log_softmax"
    case celu
    case hardShrink = "hard_shrink"
    case softShrink = "soft_shrink"
    case hardTanh = "hard_tanh"
    case logSigmoid = "log_sigmoid"
    case sparsePlus = "sparse_plus"
    case sparseSigmoid = "sparse_sigmoid"
    case squareplus
    case tanhShrink = "tanh_shrink"
}

extension Activation {
    public var kind: ActivationKind {
        switch self {
        case .linear: return .linear
        case .relu: return .relu
        case .clippedReLU: return .clippedReLU
        case .relu6: return .relu6
        case .sigmoid: return .sigmoid
        case .hardSigmoidKeras2: return .hardSigmoidKeras2
        case .hardSigmoidKeras3: return .hardSigmoidKeras3
        case .tanh: return .tanh
        case .softmax: return .softmax
        case .softplus: return .softplus
        case .softsign: return .softsign
        case .elu: return .elu
        case .selu: return .selu
        case .swish: return .swish
        case .gelu: return .gelu
        case .exponential: return .exponential
        case .leakyReLU: return .leakyReLU
        case .mish: return .mish
        case .hardSilu: return .hardSilu
        case .logSoftmax: return .logSoftmax
        case .celu: return .celu
        case .hardShrink: return .hardShrink
        case .softShrink: return .softShrink
        case .hardTanh: return .hardTanh
        case .logSigmoid: return .logSigmoid
        case .sparsePlus: return .sparsePlus
        case .sparseSigmoid: return .sparseSigmoid
        case .squareplus: return .squareplus
        case .tanhShrink: return .tanhShrink
        }
    }

    /// The axis a per-axis activation (softmax, log-softmax) normalises over; nil for the element-wise ones, which
    /// kernels may apply to any run of values.
    public var axis: Int? {
        switch self {
        case .softmax(let axis), .logSoftmax(let axis):
            return axis
        case .linear, .relu, .clippedReLU, .relu6, .sigmoid, .hardSigmoidKeras2, .hardSigmoidKeras3, .tanh, .softplus,
             .softsign, .elu, .selu, .swish, .gelu, .exponential, .leakyReLU, .mish, .hardSilu, .celu, .hardShrink,
             .softShrink, .hardTanh, .logSigmoid, .sparsePlus, .sparseSigmoid, .squareplus, .tanhShrink:
            return nil
        }
    }

    /// The same per-axis activation over `axis` (element-wise ones are returned as they are).
    public func replacingAxis(with axis: Int) -> Activation {
        switch self {
        case .softmax: return .softmax(axis: axis)
        case .logSoftmax: return .logSoftmax(axis: axis)
        case .linear, .relu, .clippedReLU, .relu6, .sigmoid, .hardSigmoidKeras2, .hardSigmoidKeras3, .tanh, .softplus,
             .softsign, .elu, .selu, .swish, .gelu, .exponential, .leakyReLU, .mish, .hardSilu, .celu, .hardShrink,
             .softShrink, .hardTanh, .logSigmoid, .sparsePlus, .sparseSigmoid, .squareplus, .tanhShrink:
            return self
        }
    }
}
