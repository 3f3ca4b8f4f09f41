import KerasLensGraph

/// Activations as ONNX opset 17 ops. Where opset 17 has no op of its own (gelu, mish, swish, Keras 3's hard_sigmoid
/// and hard_silu, log_sigmoid, sparse_plus, sparse_sigmoid, squareplus, tanh_shrink) the formula is spelled out
/// with the same operations the runtime uses, so the numbers agree.
extension ONNXBuilder {
    /// Applies `activation` to `input`, writing `output`.
    mutating func activation(_ activation: Activation, _ input: String, layer: String, into output: String) {
        switch activation {
        case .linear:
            add("Identity", [input], into: output)
        case .relu:
            add("Relu", [input], into: output)
        case .clippedReLU(let maxValue, let negativeSlope, let threshold):
            clippedReLU(input, maxValue: maxValue, negativeSlope: negativeSlope, threshold: threshold, layer: layer, into: output)
        case .relu6:
            add("Clip", [input, scalar(0, layer: layer, "zero"), scalar(6, layer: layer, "six")], into: output)
        case .sigmoid:
            add("Sigmoid", [input], into: output)
        case .hardSigmoidKeras2:
            add("HardSigmoid", [input], into: output, [.float("alpha", 0.2), .float("beta", 0.5)])
        case .hardSigmoidKeras3:
            // relu6(x + 3) / 6, as Keras 3 defines it.
            let shifted = step("Add", [input, scalar(3, layer: layer, "three")], layer: layer)
            let clipped = step("Clip", [shifted, scalar(0, layer: layer, "zero"), scalar(6, layer: layer, "six")], layer: layer)
            add("Div", [clipped, scalar(6, layer: layer, "six")], into: output)
        case .tanh:
            add("Tanh", [input], into: output)
        case .softmax(let axis):
            add("Softmax", [input], into: output, [.int("axis", axis)])
        case .softplus:
            add("Softplus", [input], into: output)
        case .softsign:
            add("Softsign", [input], into: output)
        case .elu(let alpha):
            add("Elu", [input], into: output, [.float("alpha", alpha)])
        case .selu:
            add("Selu", [input], into: output, [.float("alpha", Activation.seluAlpha), .float("gamma", Activation.seluScale)])
        case .swish:
            add("Mul", [input, step("Sigmoid", [input], layer: layer)], into: output)
        case .gelu(let approximate):
            gelu(input, approximate: approximate, layer: layer, into: output)
        case .exponential:
            add("Exp", [input], into: output)
        case .leakyReLU(let alpha):
            add("LeakyRelu", [input], into: output, [.float("alpha", alpha)])
        case .mish:
            let softplus = step("Softplus", [input], layer: layer)
            add("Mul", [input, step("Tanh", [softplus], layer: layer)], into: output)
        case .hardSilu:
            // x · relu6(x + 3) / 6, the runtime's order (ONNX's HardSwish scales before it shifts).
            let shifted = step("Add", [input, scalar(3, layer: layer, "three")], layer: layer)
            let clipped = step("Clip", [shifted, scalar(0, layer: layer, "zero"), scalar(6, layer: layer, "six")], layer: layer)
            let gate = step("Div", [clipped, scalar(6, layer: layer, "six")], layer: layer)
            add("Mul", [input, gate], into: output)
        case .logSoftmax(let axis):
            add("LogSoftmax", [input], into: output, [.int("axis", axis)])
        case .celu:
            add("Celu", [input], into: output, [.float("alpha", 1)])
        case .hardShrink:
            add("Shrink", [input], into: output, [.float("bias", 0), .float("lambd", Activation.shrinkThreshold)])
        case .softShrink:
            add("Shrink", [input], into: output,
                [.float("bias", Activation.shrinkThreshold), .float("lambd", Activation.shrinkThreshold)])
        case .hardTanh:
            add("Clip", [input, scalar(-1, layer: layer, "minus_one"), scalar(1, layer: layer, "one")], into: output)
        case .logSigmoid:
            let negated = step("Neg", [input], layer: layer)
            add("Neg", [step("Softplus", [negated], layer: layer)], into: output)
        case .sparsePlus:
            // (clip(x, −1, 1) + 1)² / 4 below 1, x from 1 on.
            let clipped = step("Clip", [input, scalar(-1, layer: layer, "minus_one"), scalar(1, layer: layer, "one")], layer: layer)
            let shifted = step("Add", [clipped, scalar(1, layer: layer, "one")], layer: layer)
            let square = step("Mul", [shifted, shifted], layer: layer)
            let quadratic = step("Mul", [square, scalar(0.25, layer: layer, "quarter")], layer: layer)
            let above = step("GreaterOrEqual", [input, scalar(1, layer: layer, "one")], layer: layer)
            add("Where", [above, input, quadratic], into: output)
        case .sparseSigmoid:
            let shifted = step("Add", [input, scalar(1, layer: layer, "one")], layer: layer)
            let half = step("Mul", [shifted, scalar(0.5, layer: layer, "half")], layer: layer)
            add("Clip", [half, scalar(0, layer: layer, "zero"), scalar(1, layer: layer, "one")], into: output)
        case .squareplus:
            let square = step("Mul", [input, input], layer: layer)
            let root = step("Sqrt", [step("Add", [square, scalar(Activation.squareplusB, layer: layer, "b")], layer: layer)], layer: layer)
            let sum = step("Add", [input, root], layer: layer)
            add("Div", [sum, scalar(2, layer: layer, "two")], into: output)
        case .tanhShrink:
            add("Sub", [input, step("Tanh", [input], layer: layer)], into: output)
        }
    }

    /// Keras's general ReLU: `x` above `threshold` (else 0), clipped to `maxValue`, minus
    /// `negativeSlope · max(threshold − x, 0)`.
    private mutating func clippedReLU(_ input: String, maxValue: Float?, negativeSlope: Float, threshold: Float,
                                      layer: String, into output: String) {
        var value: String
        if threshold == 0 {
            value = step("Relu", [input], layer: layer)
        } else {
            let above = step("Greater", [input, scalar(threshold, layer: layer, "threshold")], layer: layer)
            value = step("Where", [above, input, scalar(0, layer: layer, "zero")], layer: layer)
        }
        if let maxValue {
            value = step("Clip", [value, scalar(0, layer: layer, "zero"), scalar(maxValue, layer: layer, "max_value")], layer: layer)
        }
        guard negativeSlope != 0 else {
            add("Identity", [value], into: output)
            return
        }
        let below = step("Sub", [scalar(threshold, layer: layer, "threshold"), input], layer: layer)
        let leak = step("Mul", [step("Relu", [below], layer: layer), scalar(negativeSlope, layer: layer, "negative_slope")], layer: layer)
        add("Sub", [value, leak], into: output)
    }

    /// `0.5 x (1 + erf(x / √2))`, or with `approximate` `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`.
    private mutating func gelu(_ input: String, approximate: Bool, layer: String, into output: String) {
        let inner: String
        if approximate {
            let cube = step("Mul", [step("Mul", [input, input], layer: layer), input], layer: layer)
            let sum = step("Add", [input, step("Mul", [cube, scalar(Activation.geluCubic, layer: layer, "cubic")], layer: layer)], layer: layer)
            inner = step("Tanh", [step("Mul", [sum, scalar(Activation.geluSqrt2OverPi, layer: layer, "sqrt_2_over_pi")], layer: layer)], layer: layer)
        } else {
            inner = step("Erf", [step("Mul", [input, scalar(Activation.geluInverseSqrt2, layer: layer, "inv_sqrt2")], layer: layer)], layer: layer)
        }
        let onePlus = step("Add", [inner, scalar(1, layer: layer, "one")], layer: layer)
        let half = step("Mul", [input, scalar(0.5, layer: layer, "half")], layer: layer)
        add("Mul", [half, onePlus], into: output)
    }
}
