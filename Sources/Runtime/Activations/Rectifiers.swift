import Foundation
import KerasLensGraph

/// The piecewise-linear and exponential-linear units. At a kink the derivative is TensorFlow's subgradient.
struct ReLU: ElementwiseActivation {
    func value(_ x: Float) -> Float { max(x, 0) }
    func derivative(x: Float, y: Float) -> Float { x > 0 ? 1 : 0 }
}

struct ReLU6: ElementwiseActivation {
    func value(_ x: Float) -> Float { min(max(x, 0), 6) }
    func derivative(x: Float, y: Float) -> Float { x > 0 && x < 6 ? 1 : 0 }
}

/// The `ReLU` layer's general form: `x >= max ? max : x >= threshold ? x : slope · (x − threshold)`.
struct ClippedReLU: ElementwiseActivation {
    let maxValue: Float?
    let negativeSlope: Float
    let threshold: Float

    func value(_ x: Float) -> Float {
        var y = threshold != 0 ? (x > threshold ? x : 0) : max(x, 0)
        if let maxValue { y = min(max(y, 0), maxValue) }
        if negativeSlope != 0 { y -= negativeSlope * max(threshold - x, 0) }
        return y
    }

    /// The usual form (MobileNet's `ReLU(6.)`: no threshold, no slope) as a clamp the compiler vectorizes; it was
    /// 11% of a MobileNetV2 forward pass through `value`'s branches. Same results, NaN included.
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        guard threshold == 0, negativeSlope == 0 else {
            for i in 0..<count { x[i] = value(x[i]) }
            return
        }
        let top = maxValue ?? .infinity
        for i in 0..<count { x[i] = min(max(x[i], 0), top) }
    }

    func derivative(x: Float, y: Float) -> Float {
        var slope: Float = (threshold != 0 ? x > threshold : x > 0) ? 1 : 0
        if let maxValue, x >= maxValue { slope = 0 }
        if x < threshold { slope += negativeSlope }
        return slope
    }
}

struct LeakyReLU: ElementwiseActivation {
    let alpha: Float
    func value(_ x: Float) -> Float { x < 0 ? x * alpha : x }
    func derivative(x: Float, y: Float) -> Float { x > 0 ? 1 : alpha }
}

/// `x` above zero, `α(eˣ − 1)` below; below zero the derivative is `y + α`.
struct ELU: ElementwiseActivation {
    let alpha: Float
    func value(_ x: Float) -> Float { x <= 0 ? alpha * expm1f(x) : x }
    func derivative(x: Float, y: Float) -> Float { x > 0 ? 1 : y + alpha }
}

/// ELU scaled by λ with Klambauer et al.'s fixed α.
struct SELU: ElementwiseActivation {
    let alpha = Activation.seluAlpha, scale = Activation.seluScale
    func value(_ x: Float) -> Float { x > 0 ? scale * x : scale * alpha * expm1f(x) }
    func derivative(x: Float, y: Float) -> Float { x > 0 ? scale : scale * alpha * expf(x) }
}
