import Foundation

/// The bounded S-shaped activations.
struct Sigmoid: ElementwiseActivation {
    func value(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
    func derivative(x: Float, y: Float) -> Float { y * (1 - y) }
}

/// Keras 2: `clip(0.2x + 0.5, 0, 1)`.
struct HardSigmoidKeras2: ElementwiseActivation {
    func value(_ x: Float) -> Float { min(max(0.2 * x + 0.5, 0), 1) }
    func derivative(x: Float, y: Float) -> Float { x > -2.5 && x < 2.5 ? 0.2 : 0 }
}

/// Keras 3: `relu6(x + 3) / 6`.
struct HardSigmoidKeras3: ElementwiseActivation {
    func value(_ x: Float) -> Float { min(max(x + 3, 0), 6) / 6 }
    func derivative(x: Float, y: Float) -> Float { x > -3 && x < 3 ? 1 / 6 : 0 }
}

struct Tanh: ElementwiseActivation {
    func value(_ x: Float) -> Float { tanhf(x) }
    func derivative(x: Float, y: Float) -> Float { 1 - y * y }
}

/// `x / (1 + |x|)`.
struct Softsign: ElementwiseActivation {
    func value(_ x: Float) -> Float { x / (1 + abs(x)) }
    func derivative(x: Float, y: Float) -> Float {
        let d = 1 + abs(x)
        return 1 / (d * d)
    }
}
