/// The constants in Keras's activation formulas, written once for the runtime and the ONNX export alike.
extension Activation {
    /// SELU's α and λ (Klambauer et al. 2017), as Keras and ONNX's `Selu` define them.
    public static let seluAlpha: Float = 1.6732632423543772
    public static let seluScale: Float = 1.0507009873554805
    /// 1/√2, exact GELU's `Φ(x) = ½(1 + erf(x/√2))`.
    public static let geluInverseSqrt2: Float = 0.7071067811865476
    /// √(2/π) and the cubic coefficient of GELU's tanh form, `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
    public static let geluSqrt2OverPi: Float = 0.7978845608028654
    public static let geluCubic: Float = 0.044715
    /// Keras 3's default threshold of hard_shrink and soft_shrink.
    public static let shrinkThreshold: Float = 0.5
    /// Keras 3's default `b` of squareplus.
    public static let squareplusB: Float = 4
}
