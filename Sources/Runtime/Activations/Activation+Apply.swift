import Graph

/// Runs an activation forward or backward over a batched tensor. Element-wise activations are the small types of
/// `Rectifiers.swift`, `Sigmoids.swift` and `SmoothActivations.swift`, each holding its function and derivative side
/// by side; softmax, which couples the elements of an axis, is `Softmax.swift`.
extension Activation {
    /// The element-wise function, or nil for softmax. This is the only switch over activations in the runtime.
    var elementwise: (any ElementwiseActivation)? {
        switch self {
        case .linear: return Linear()
        case .relu: return ReLU()
        case .relu6: return ReLU6()
        case .clippedReLU(let maxValue, let slope, let threshold):
            return ClippedReLU(maxValue: maxValue, negativeSlope: slope, threshold: threshold)
        case .sigmoid: return Sigmoid()
        case .hardSigmoidKeras2: return HardSigmoidKeras2()
        case .hardSigmoidKeras3: return HardSigmoidKeras3()
        case .tanh: return Tanh()
        case .softmax: return nil
        case .softplus: return Softplus()
        case .softsign: return Softsign()
        case .elu(let alpha): return ELU(alpha: alpha)
        case .selu: return SELU()
        case .swish: return Swish()
        case .gelu(let approximate): return approximate ? GELUTanh() : GELU()
        case .exponential: return Exponential()
        case .leakyReLU(let alpha): return LeakyReLU(alpha: alpha)
        case .mish: return Mish()
        }
    }

    /// Applies the activation in place to a batched tensor of `shape` (batch axis first).
    func apply(_ values: UnsafeMutablePointer<Float>, shape: [Int]) {
        if case .softmax(let axis) = self {
            softmaxInPlace(values, shape: shape, axis: axis)
        } else {
            applyElementwise(values, count: shape.reduce(1, *))
        }
    }

    /// Applies an element-wise activation in place (softmax is left to `apply`).
    func applyElementwise(_ x: UnsafeMutablePointer<Float>, count: Int) {
        elementwise?.apply(x, count: count)
    }

    /// Adds `∂L/∂x = ∂L/∂y · y'(x)` to `gx` for a batched tensor of `shape`, given the activation's input `x` and
    /// output `y`. Where the function is not differentiable (relu at 0) the subgradient TensorFlow uses is taken.
    func addGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, g: UnsafePointer<Float>,
                     into gx: UnsafeMutablePointer<Float>, shape: [Int]) {
        if case .softmax(let axis) = self {
            softmaxGradient(y: y, g: g, into: gx, shape: shape, axis: axis)
        } else {
            elementwise?.addGradient(x: x, y: y, g: g, into: gx, count: shape.reduce(1, *))
        }
    }
}
