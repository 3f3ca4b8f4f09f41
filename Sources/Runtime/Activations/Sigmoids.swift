import COpenBLAS
import Foundation

/// The bounded S-shaped activations.
///
/// Sigmoid and tanh are the gates and states of every recurrent cell, so they run a vector at a time
/// (`COpenBLAS/activation_vector.h`: Cephes's expf polynomial, and Eigen's rational tanh, which TensorFlow uses); a
/// single value goes through the same operations (`activation_scalar.h`), so both give the same bits.
struct Sigmoid: ElementwiseActivation {
    func value(_ x: Float) -> Float { kl_sigmoid1(x) }
    func derivative(x: Float, y: Float) -> Float { y * (1 - y) }
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        guard let isa = VectorISA.best else { return (0..<count).forEach { x[$0] = value(x[$0]) } }
        isa.sigmoid(x, Int64(count))
    }
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
    func value(_ x: Float) -> Float { kl_tanh1(x) }
    func derivative(x: Float, y: Float) -> Float { 1 - y * y }
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        guard let isa = VectorISA.best else { return (0..<count).forEach { x[$0] = value(x[$0]) } }
        isa.tanh(x, Int64(count))
    }
}

/// `x / (1 + |x|)`.
struct Softsign: ElementwiseActivation {
    func value(_ x: Float) -> Float { x / (1 + abs(x)) }
    func derivative(x: Float, y: Float) -> Float {
        let d = 1 + abs(x)
        return 1 / (d * d)
    }
}
