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

    /// `apply` through the best instruction set's kernel `vector` (one that computes `value` lane for lane), or the
    /// scalar loop on a CPU without one.
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int, vector: (VectorISA) -> VectorISA.ActivationRun) {
        guard let isa = VectorISA.best else { return (0..<count).forEach { x[$0] = value(x[$0]) } }
        vector(isa)(x, Int64(count))
    }

    /// `addGradient` through the best instruction set's kernel `vector` (x, g, gx, count), or the scalar loop: for
    /// activations whose derivative reads only `x` (swish, hard-swish).
    func addGradient(x: UnsafePointer<Float>, g: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>, count: Int,
                     vector: (VectorISA) -> VectorISA.GradientRun) {
        guard let isa = VectorISA.best else { return (0..<count).forEach { gx[$0] += g[$0] * derivative(x: x[$0], y: 0) } }
        vector(isa)(x, g, gx, Int64(count))
    }
}

/// The identity.
struct Linear: ElementwiseActivation {
    func value(_ x: Float) -> Float { x }
    func derivative(x: Float, y: Float) -> Float { 1 }
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {}
}
