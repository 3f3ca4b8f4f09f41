/// One element-wise activation: its function and its derivative, side by side.
///
/// The loops are protocol requirements with default implementations, so each conforming type gets its own copy
/// specialised for it: one dynamic call per tensor, none per element.
protocol ElementwiseActivation: Sendable {
    func value(_ x: Float) -> Float
    /// `dy/dx` at input `x`, given the output `y = value(x)` (several derivatives are cheapest from `y`).
    func derivative(x: Float, y: Float) -> Float

    func apply(_ x: UnsafeMutablePointer<Float>, count: Int)
    func addGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, g: UnsafePointer<Float>,
                     into gx: UnsafeMutablePointer<Float>, count: Int)
}

extension ElementwiseActivation {
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = value(x[i]) }
    }

    func addGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, g: UnsafePointer<Float>,
                     into gx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { gx[i] += g[i] * derivative(x: x[i], y: y[i]) }
    }
}

/// The identity.
struct Linear: ElementwiseActivation {
    func value(_ x: Float) -> Float { x }
    func derivative(x: Float, y: Float) -> Float { 1 }
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {}
}
