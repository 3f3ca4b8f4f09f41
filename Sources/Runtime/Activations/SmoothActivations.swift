import COpenBLAS
import Foundation
import KerasLensGraph

/// The smooth unbounded activations: softplus and the self-gated family built on it or on the sigmoid.
struct Softplus: ElementwiseActivation {
    func value(_ x: Float) -> Float { softplusValue(x) }
    func derivative(x: Float, y: Float) -> Float { 1 / (1 + expf(-x)) }
}

/// `x · σ(x)` (Keras's swish and silu: EfficientNet's activation), a vector at a time like `Sigmoid`.
struct Swish: ElementwiseActivation {
    func value(_ x: Float) -> Float { kl_swish1(x) }
    func derivative(x: Float, y: Float) -> Float {
        let s = kl_sigmoid1(x)
        return s + x * s * (1 - s)
    }
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) { apply(x, count: count, vector: \.swish) }
    func addGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, g: UnsafePointer<Float>,
                     into gx: UnsafeMutablePointer<Float>, count: Int) {
        addGradient(x: x, g: g, into: gx, count: count, vector: \.swishGradient)
    }
}

/// `x · tanh(softplus(x))`.
struct Mish: ElementwiseActivation {
    func value(_ x: Float) -> Float { x * tanhf(softplusValue(x)) }
    func derivative(x: Float, y: Float) -> Float {
        let t = tanhf(softplusValue(x)), s = 1 / (1 + expf(-x))
        return t + x * (1 - t * t) * s
    }
}

/// Exact GELU, `x Φ(x)`; its derivative is `Φ(x) + x φ(x)`.
struct GELU: ElementwiseActivation {
    let inverseSqrt2 = Activation.geluInverseSqrt2
    /// 1/√(2π), the normal density's factor.
    let inverseSqrt2Pi: Float = 0.3989422804014327

    func value(_ x: Float) -> Float { 0.5 * x * (1 + erff(x * inverseSqrt2)) }
    func derivative(x: Float, y: Float) -> Float {
        let cdf = 0.5 * (1 + erff(x * inverseSqrt2))
        return cdf + x * expf(-0.5 * x * x) * inverseSqrt2Pi
    }
}

/// GELU's tanh approximation, `½x(1 + tanh(c(x + 0.044715x³)))`.
struct GELUTanh: ElementwiseActivation {
    let c = Activation.geluSqrt2OverPi, cubic = Activation.geluCubic

    func value(_ x: Float) -> Float { 0.5 * x * (1 + tanhf(c * (x + cubic * x * x * x))) }
    func derivative(x: Float, y: Float) -> Float {
        let t = tanhf(c * (x + cubic * x * x * x))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * cubic * x * x)
    }
}

struct Exponential: ElementwiseActivation {
    func value(_ x: Float) -> Float { expf(x) }
    func derivative(x: Float, y: Float) -> Float { y }
}

/// log(1 + eˣ) without overflow.
@inline(__always) func softplusValue(_ x: Float) -> Float {
    max(x, 0) + log1pf(expf(-abs(x)))
}
