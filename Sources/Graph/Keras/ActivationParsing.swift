import KerasLensGraph

/// Maps a Keras activation (a name, or Keras 3's serialised function object) to `Activation`.
extension LayerConfig {
    func activation(_ key: String = "activation") throws(GraphError) -> Activation {
        guard let value = values[key], !value.isNull else { return .linear }
        let name: String
        if let string = value.string {
            name = string
        } else if let inner = value["config"]?.string {
            name = inner
        } else if let className = value["class_name"]?.string {
            throw error(.unsupported, "activation object '\(className)' is not supported; use a named activation")
        } else {
            throw error(.invalidConfig, "option '\(key)' is not an activation name")
        }
        guard let activation = Activation(kerasName: name, kerasMajor: kerasMajor) else {
            throw error(.unsupported, "activation '\(name)' is not supported")
        }
        return activation
    }
}

extension Activation {
    /// The function Keras means by `name`. hard_sigmoid changed formula between Keras 2 and 3.
    init?(kerasName name: String, kerasMajor: Int) {
        switch name {
        case "linear": self = .linear
        case "relu": self = .relu
        case "relu6": self = .relu6
        case "sigmoid": self = .sigmoid
        case "hard_sigmoid": self = kerasMajor >= 3 ? .hardSigmoidKeras3 : .hardSigmoidKeras2
        case "tanh": self = .tanh
        case "softmax": self = .softmax(axis: -1)
        case "softplus": self = .softplus
        case "softsign": self = .softsign
        case "elu": self = .elu(alpha: 1)
        case "selu": self = .selu
        case "swish", "silu": self = .swish
        case "gelu": self = .gelu(approximate: false)
        case "exponential": self = .exponential
        case "leaky_relu": self = .leakyReLU(alpha: 0.2)
        case "mish": self = .mish
        case "hard_silu", "hard_swish": self = .hardSilu
        case "log_softmax": self = .logSoftmax(axis: -1)
        case "celu": self = .celu
        case "hard_shrink": self = .hardShrink
        case "soft_shrink": self = .softShrink
        case "hard_tanh": self = .hardTanh
        case "log_sigmoid": self = .logSigmoid
        case "sparse_plus": self = .sparsePlus
        case "sparse_sigmoid": self = .sparseSigmoid
        case "squareplus": self = .squareplus
        case "tanh_shrink": self = .tanhShrink
        default: return nil
        }
    }

    /// Resolves a negative softmax or log-softmax axis against the batched rank.
    func resolved(batchedRank: Int) -> Activation {
        if let axis, axis < 0 { return replacingAxis(with: axis + batchedRank) }
        return self
    }
}
