import KerasLensGraph

/// A fixed input and the output KerasLens computed for it when the file was written, stored in the native file
/// (like frugally-deep's test vectors) so that any reader — a later KerasLens, another machine, another language —
/// can replay it and know it computes what the converter computed.
public struct SelfTest: Sendable, Equatable {
    /// One batch-first tensor per model input, in the graph's input order.
    public var inputs: [Tensor]
    /// One batch-first tensor per model output, in the graph's output order.
    public var outputs: [Tensor]

    public init(inputs: [Tensor], outputs: [Tensor]) {
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Samples in the self-test batch: two, so that a reader mixing up samples fails.
    public static let samples = 2
    /// The generator's seed: the ASCII bytes of "KerasLen".
    public static let seed: UInt64 = 0x4B65_7261_734C_656E

    /// The self-test input for a model with these per-sample input shapes: one SplitMix64 stream seeded with
    /// `seed`, drawn input after input in row-major order, each draw `x` giving `(x >> 40) / 2^23 − 1`, a float in
    /// [−1, 1) that is exact in float32 (docs/FORMAT.md, "Self-test"). Open dimensions take size 53.
    ///
    /// An input read as token ids (`vocabularies[i]`, the vocabulary of the Embedding reading input i) takes
    /// `(x >> 40) mod vocabulary` instead, a valid id.
    public static func inputs(shapes: [[Int]], vocabularies: [Int: Int] = [:]) -> [Tensor] {
        var generator = SplitMix64(seed: seed)
        return shapes.enumerated().map { index, declared in
            // An open dimension takes the first size its shapes were inferred at, which every layer is known to take.
            let shape = declared.map { $0 == openDimension ? Op.openProbes.0 : $0 }
            let count = samples * shape.reduce(1, *)
            let scalars = (0..<count).map { _ in
                let draw = generator.next() >> 40
                return vocabularies[index].map { Float(draw % UInt64($0)) } ?? Float(draw) / Float(1 << 23) - 1
            }
            return Tensor(shape: [samples] + shape, scalars: scalars)
        }
    }

    static func tensorName(input: String) -> String { "__selftest__/input/\(input)" }
    static func tensorName(output: String) -> String { "__selftest__/output/\(output)" }
}
