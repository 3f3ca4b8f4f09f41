import Foundation
import KerasLensGraph

/// The activations Keras 3 added to `keras.activations`, with its default parameters. At a kink the derivative is
/// the one TensorFlow's gradient of Keras's formula gives.

/// `x · relu6(x + 3) / 6`.
struct HardSilu: ElementwiseActivation {
    func value(_ x: Float) -> Float { x * (min(max(x + 3, 0), 6) / 6) }
    /// A select rather than a branch, so the gradient loop vectorizes (MobileNetV3: a hard-swish after nearly every
    /// layer).
    func derivative(x: Float, y: Float) -> Float {
        min(max(x + 3, 0), 6) / 6 + (x > -3 && x < 3 ? x / 6 : 0)
    }
    /// Both a vector at a time where the CPU has a vector instruction set (the Swift loops ran 4 wide: 5.7 % of
    /// MobileNetV3Small's integrated gradients), with the same operations.
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) { apply(x, count: count, vector: \.hardSilu) }
    func addGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, g: UnsafePointer<Float>,
                     into gx: UnsafeMutablePointer<Float>, count: Int) {
        addGradient(x: x, g: g, into: gx, count: count, vector: \.hardSiluGradient)
    }
}

/// `max(x, 0) + (e^min(x, 0) − 1)` (α = 1).
struct CELU: ElementwiseActivation {
    func value(_ x: Float) -> Float { max(x, 0) + expm1f(min(x, 0)) }
    func derivative(x: Float, y: Float) -> Float { x > 0 ? 1 : expf(x) }
}

struct HardShrink: ElementwiseActivation {
    let threshold = Activation.shrinkThreshold
    func value(_ x: Float) -> Float { abs(x) > threshold ? x : 0 }
    func derivative(x: Float, y: Float) -> Float { abs(x) > threshold ? 1 : 0 }
}

struct SoftShrink: ElementwiseActivation {
    let threshold = Activation.shrinkThreshold
    func value(_ x: Float) -> Float { x > threshold ? x - threshold : x < -threshold ? x + threshold : 0 }
    func derivative(x: Float, y: Float) -> Float { abs(x) > threshold ? 1 : 0 }
}

struct HardTanh: ElementwiseActivation {
    func value(_ x: Float) -> Float { min(max(x, -1), 1) }
    func derivative(x: Float, y: Float) -> Float { x > -1 && x < 1 ? 1 : 0 }
}

/// `−softplus(−x)`; its derivative is `σ(−x)`.
struct LogSigmoid: ElementwiseActivation {
    func value(_ x: Float) -> Float { -softplusValue(-x) }
    func derivative(x: Float, y: Float) -> Float { 1 / (1 + expf(x)) }
}

/// 0 up to −1, `(x + 1)² / 4` below 1, `x` from 1 on.
struct SparsePlus: ElementwiseActivation {
    func value(_ x: Float) -> Float {
        if x <= -1 { return 0 }
        return x < 1 ? 0.25 * (x + 1) * (x + 1) : x
    }
    func derivative(x: Float, y: Float) -> Float { x <= -1 ? 0 : x < 1 ? 0.5 * (x + 1) : 1 }
}

/// `(x + 1) / 2` between −1 and 1, clipped to [0, 1] outside.
struct SparseSigmoid: ElementwiseActivation {
    func value(_ x: Float) -> Float { x <= -1 ? 0 : x >= 1 ? 1 : 0.5 * (x + 1) }
    func derivative(x: Float, y: Float) -> Float { x > -1 && x < 1 ? 0.5 : 0 }
}

/// `(x + √(x² + b)) / 2`.
struct Squareplus: ElementwiseActivation {
    let b = Activation.squareplusB
    func value(_ x: Float) -> Float { (x + (x * x + b).squareRoot()) / 2 }
    func derivative(x: Float, y: Float) -> Float { (1 + x / (x * x + b).squareRoot()) / 2 }
}

/// `x − tanh(x)`; its derivative is `tanh²(x)`.
struct TanhShrink: ElementwiseActivation {
    func value(_ x: Float) -> Float { x - tanhf(x) }
    func derivative(x: Float, y: Float) -> Float {
        let t = tanhf(x)
        return t * t
    }
}
