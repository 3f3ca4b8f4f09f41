import KerasLensGraph

/// `Activation` ↔ its JSON record; the type name is the `ActivationKind` raw value. Formulas are resolved before
/// this point (hard_sigmoid is already Keras 2's or Keras 3's), so a reader never needs the source Keras version to
/// compute the same numbers.
extension ActivationRecord {
    init(_ activation: Activation) {
        self.init(type: activation.kind.rawValue)
        switch activation {
        case .linear, .relu, .relu6, .sigmoid, .hardSigmoidKeras2, .hardSigmoidKeras3, .tanh, .softplus, .softsign,
             .selu, .swish, .exponential, .mish, .hardSilu, .celu, .hardShrink, .softShrink, .hardTanh, .logSigmoid,
             .sparsePlus, .sparseSigmoid, .squareplus, .tanhShrink:
            break
        case .clippedReLU(let maxValue, let negativeSlope, let threshold):
            max_value = maxValue
            negative_slope = negativeSlope
            self.threshold = threshold
        case .softmax(let axis), .logSoftmax(let axis):
            self.axis = axis
        case .elu(let alpha), .leakyReLU(let alpha):
            self.alpha = alpha
        case .gelu(let approximate):
            self.approximate = approximate
        }
    }

    func activation() throws(GraphError) -> Activation {
        func need<Value>(_ value: Value?, _ attribute: String) throws(GraphError) -> Value {
            guard let value else { throw .native(.badAttribute(op: type, attribute: attribute)) }
            return value
        }
        guard let kind = ActivationKind(rawValue: type) else { throw .native(.unknownActivation(type)) }
        switch kind {
        case .linear: return .linear
        case .relu: return .relu
        case .clippedReLU:
            return .clippedReLU(maxValue: max_value, negativeSlope: try need(negative_slope, "negative_slope"),
                                threshold: try need(threshold, "threshold"))
        case .relu6: return .relu6
        case .sigmoid: return .sigmoid
        case .hardSigmoidKeras2: return .hardSigmoidKeras2
        case .hardSigmoidKeras3: return .hardSigmoidKeras3
        case .tanh: return .tanh
        case .softmax: return .softmax(axis: try need(axis, "axis"))
        case .softplus: return .softplus
        case .softsign: return .softsign
        case .elu: return .elu(alpha: try need(alpha, "alpha"))
        case .selu: return .selu
        case .swish: return .swish
        case .gelu: return .gelu(approximate: try need(approximate, "approximate"))
        case .exponential: return .exponential
        case .leakyReLU: return .leakyReLU(alpha: try need(alpha, "alpha"))
        case .mish: return .mish
        case .hardSilu: return .hardSilu
        case .logSoftmax: return .logSoftmax(axis: try need(axis, "axis"))
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
}
