/// `Activation` ↔ its JSON record. Formulas are resolved before this point (hard_sigmoid is already Keras 2's or
/// Keras 3's), so a reader never needs the source Keras version to compute the same numbers.
extension ActivationRecord {
    init(_ activation: Activation) {
        switch activation {
        case .linear: self.init(type: "linear")
        case .relu: self.init(type: "relu")
        case .clippedReLU(let maxValue, let negativeSlope, let threshold):
            self.init(type: "clipped_relu")
            max_value = maxValue
            negative_slope = negativeSlope
            self.threshold = threshold
        case .relu6: self.init(type: "relu6")
        case .sigmoid: self.init(type: "sigmoid")
        case .hardSigmoidKeras2: self.init(type: "hard_sigmoid_keras2")
        case .hardSigmoidKeras3: self.init(type: "hard_sigmoid_keras3")
        case .tanh: self.init(type: "tanh")
        case .softmax(let axis):
            self.init(type: "softmax")
            self.axis = axis
        case .softplus: self.init(type: "softplus")
        case .softsign: self.init(type: "softsign")
        case .elu(let alpha):
            self.init(type: "elu")
            self.alpha = alpha
        case .selu: self.init(type: "selu")
        case .swish: self.init(type: "swish")
        case .gelu(let approximate):
            self.init(type: "gelu")
            self.approximate = approximate
        case .exponential: self.init(type: "exponential")
        case .leakyReLU(let alpha):
            self.init(type: "leaky_relu")
            self.alpha = alpha
        case .mish: self.init(type: "mish")
        }
    }

    func activation() throws(GraphError) -> Activation {
        func need<Value>(_ value: Value?, _ attribute: String) throws(GraphError) -> Value {
            guard let value else { throw .native(.badAttribute(op: type, attribute: attribute)) }
            return value
        }
        switch type {
        case "linear": return .linear
        case "relu": return .relu
        case "clipped_relu":
            return .clippedReLU(maxValue: max_value, negativeSlope: try need(negative_slope, "negative_slope"),
                                threshold: try need(threshold, "threshold"))
        case "relu6": return .relu6
        case "sigmoid": return .sigmoid
        case "hard_sigmoid_keras2": return .hardSigmoidKeras2
        case "hard_sigmoid_keras3": return .hardSigmoidKeras3
        case "tanh": return .tanh
        case "softmax": return .softmax(axis: try need(axis, "axis"))
        case "softplus": return .softplus
        case "softsign": return .softsign
        case "elu": return .elu(alpha: try need(alpha, "alpha"))
        case "selu": return .selu
        case "swish": return .swish
        case "gelu": return .gelu(approximate: try need(approximate, "approximate"))
        case "exponential": return .exponential
        case "leaky_relu": return .leakyReLU(alpha: try need(alpha, "alpha"))
        case "mish": return .mish
        default: throw .native(.unknownActivation(type))
        }
    }
}
