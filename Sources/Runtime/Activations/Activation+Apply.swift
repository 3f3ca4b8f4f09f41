import KerasLensGraph

/// Runs an activation forward or backward over a batched tensor. Element-wise activations are the small types of
/// `Rectifiers.swift`, `Sigmoids.swift`, `SmoothActivations.swift` and `Keras3Activations.swift`, each holding its
/// function and derivative side by side; softmax and log-softmax, which couple the elements of an axis, are
/// `Softmax.swift`.
extension Activation {
    /// How the activation is computed. This is the only switch over activations in the runtime.
    var implementation: ActivationImplementation {
        switch self {
        case .linear: return .elementwise(Linear())
        case .relu: return .elementwise(ReLU())
        case .relu6: return .elementwise(ReLU6())
        case .clippedReLU(let maxValue, let slope, let threshold):
            return .elementwise(ClippedReLU(maxValue: maxValue, negativeSlope: slope, threshold: threshold))
        case .sigmoid: return .elementwise(Sigmoid())
        case .hardSigmoidKeras2: return .elementwise(HardSigmoidKeras2())
        case .hardSigmoidKeras3: return .elementwise(HardSigmoidKeras3())
        case .tanh: return .elementwise(Tanh())
        case .softmax(let axis): return .alongAxis(Softmax(), axis: axis)
        case .softplus: return .elementwise(Softplus())
        case .softsign: return .elementwise(Softsign())
        case .elu(let alpha): return .elementwise(ELU(alpha: alpha))
        case .selu: return .elementwise(SELU())
        case .swish: return .elementwise(Swish())
        case .gelu(let approximate): return approximate ? .elementwise(GELUTanh()) : .elementwise(GELU())
        case .exponential: return .elementwise(Exponential())
        case .leakyReLU(let alpha): return .elementwise(LeakyReLU(alpha: alpha))
        case .mish: return .elementwise(Mish())
        case .hardSilu: return .elementwise(HardSilu())
        case .logSoftmax(let axis): return .alongAxis(LogSoftmax(), axis: axis)
        case .celu: return .elementwise(CELU())
        case .hardShrink: return .elementwise(HardShrink())
        case .softShrink: return .elementwise(SoftShrink())
        case .hardTanh: return .elementwise(HardTanh())
        case .logSigmoid: return .elementwise(LogSigmoid())
        case .sparsePlus: return .elementwise(SparsePlus())
        case .sparseSigmoid: return .elementwise(SparseSigmoid())
        case .squareplus: return .elementwise(Squareplus())
        case .tanhShrink: return .elementwise(TanhShrink())
        }
    }

    /// Applies the activation in place to a batched tensor of `shape` (batch axis first).
    func apply(_ values: UnsafeMutablePointer<Float>, shape: [Int]) {
        switch implementation {
        case .elementwise(let function): function.apply(values, count: shape.reduce(1, *))
        case .alongAxis(let function, let axis): function.apply(values, shape: shape, axis: axis)
        }
    }

    /// Adds `∂L/∂x = ∂L/∂y · y'(x)` to `gx` for a batched tensor of `shape`, given the activation's input `x` and
    /// output `y`. Where the function is not differentiable (relu at 0) the subgradient TensorFlow uses is taken.
    func addGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, g: UnsafePointer<Float>,
                     into gx: UnsafeMutablePointer<Float>, shape: [Int]) {
        switch implementation {
        case .elementwise(let function): function.addGradient(x: x, y: y, g: g, into: gx, count: shape.reduce(1, *))
        case .alongAxis(let function, let axis): function.addGradient(y: y, g: g, into: gx, shape: shape, axis: axis)
        }
    }
}

enum ActivationImplementation {
    case elementwise(any ElementwiseActivation)
    /// Along `axis` of the batched tensor.
    case alongAxis(any AxisActivation, axis: Int)
}
