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
        }
    }
}
