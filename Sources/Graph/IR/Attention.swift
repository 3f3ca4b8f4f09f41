/// How Keras's attention layers score a query position against a key position.
public enum AttentionScore: String, Sendable, Equatable, Hashable, CaseIterable {
    /// `q · k`, times the optional scalar weight `scale` (Keras's Attention, and MultiHeadAttention per head).
    case dot
    /// `concat_score_weight · Σ_d tanh(scale · (q_d + k_d))` (Attention with `score_mode="concat"`; `scale` optional).
    case concat
    /// `Σ_d scale_d · tanh(q_d + k_d)` (AdditiveAttention, Bahdanau; `scale` [dim] optional, else 1).
    case additive
}

/// MultiHeadAttention's projections (Keras's EinsumDense sublayers): per head, query and key are projected to
/// `keyDim` features and the value to `valueDim`; the heads' results are projected to `outputShape` per position.
/// Weights: `query_kernel` [query features, heads, keyDim], `key_kernel` [key features, heads, keyDim],
/// `value_kernel` [value features, heads, valueDim], `output_kernel` [heads, valueDim] + outputShape, each with an
/// optional bias (`query_bias` [heads, keyDim], …, `output_bias` outputShape).
public struct AttentionHeads: Sendable, Equatable, Hashable {
    public var count: Int
    public var keyDim: Int
    public var valueDim: Int
    /// Per query position: Keras's `output_shape`, or the query's features.
    public var outputShape: [Int]

    public init(count: Int, keyDim: Int, valueDim: Int, outputShape: [Int]) {
        self.count = count
        self.keyDim = keyDim
        self.valueDim = valueDim
        self.outputShape = outputShape
    }

    /// The query is multiplied by this before the scores (Keras's `1 / sqrt(key_dim)`, computed in double).
    public var queryScale: Float { Float(1.0 / Double(keyDim).squareRoot()) }

    /// The projection weights in the order Keras stores them (query, key, value, output; kernel then bias).
    public static let weightNames = ["query", "key", "value", "output"].flatMap { ["\($0)_kernel", "\($0)_bias"] }
}

/// Attention over the sequence axis of [time, features] inputs: `softmax(scores(query, key)) · value` per query
/// position, the softmax over the key positions. Inputs are `[query, value]` or `[query, value, key]` (the key is
/// the value when absent). With `heads` it is MultiHeadAttention (dot scores of the projected query, scaled by
/// `1/sqrt(keyDim)`, and projected heads); without, Keras's Attention or AdditiveAttention on the inputs themselves.
/// With `causal`, query position i reads key positions j ≤ i only (Keras subtracts 1e9 from the other scores, whose
/// weights are then exactly zero in float32).
///
/// Keras masks (`masks`) are further inputs, one `sequence_mask` [time, 1] per masked sequence, after the
/// sequences. A score is hidden when causality or a mask hides it: a value or key mask hides key position j, and
/// with heads (MultiHeadAttention) a query mask hides every score of query position i; without heads (Attention,
/// AdditiveAttention) a query mask zeroes output row i instead. Hidden scores become `masks.hidden`'s value before
/// the softmax, so a fully hidden row is a softmax over those values (uniform, as in Keras).
public struct Attention: Sendable, Equatable, Hashable {
    public var score: AttentionScore
    public var causal: Bool
    public var heads: AttentionHeads?
    public var masks: AttentionMasks?

    public init(score: AttentionScore, causal: Bool, heads: AttentionHeads? = nil, masks: AttentionMasks? = nil) {
        self.score = score
        self.causal = causal
        self.heads = heads
        self.masks = masks
    }

    /// How many sequences the op reads (its inputs before the masks).
    public func sequenceCount(inputs: Int) -> Int { inputs - (masks?.inputs.count ?? 0) }

    /// Sizes in range; the heads score by dot products; masks name distinct inputs, a key mask only with heads.
    func checkAttributes() throws(GraphError) {
        if let masks {
            guard !masks.inputs.isEmpty, Set(masks.inputs).count == masks.inputs.count,
                  masks.inputs == masks.inputs.sorted(by: { $0.order < $1.order }) else {
                throw GraphError(.invalidConfig, "masks \(masks.inputs.map(\.rawValue)) must name query, value and key at most once each, in that order")
            }
            guard heads != nil || !masks.inputs.contains(.key) else {
                throw GraphError(.invalidConfig, "a key mask is read by multi-head attention only (Keras's Attention ignores it)")
            }
            guard masks.hidden.value.isFinite else { throw GraphError(.invalidConfig, "the hidden score \(masks.hidden.value) is not finite") }
        }
        guard let heads else { return }
        let positive = 1...ShapeLimits.maxAttribute
        guard positive.contains(heads.count), positive.contains(heads.keyDim), positive.contains(heads.valueDim),
              !heads.outputShape.isEmpty, heads.outputShape.allSatisfy(positive.contains) else {
            throw GraphError(.invalidConfig, "heads \(heads.count), key_dim \(heads.keyDim), value_dim \(heads.valueDim) and output shape \(heads.outputShape) must be in 1…\(ShapeLimits.maxAttribute)")
        }
        guard score == .dot else { throw GraphError(.invalidConfig, "multi-head attention scores by dot products, not \(score.rawValue)") }
    }

    /// [Tq, dq], [Tv, dv] (and [Tv, dk]) → [Tq] + output features; the weights must fit the inputs.
    func outputShape(inputs all: [[Int]], weights: [String: Tensor]) throws(GraphError) -> [Int] {
        let count = sequenceCount(inputs: all.count)
        guard count == 2 || count == 3 else {
            throw GraphError(.shape, "expects [query, value] or [query, value, key]\(masks == nil ? "" : " and their masks"), got \(all.count) inputs")
        }
        let inputs = Array(all[..<count])
        for (index, input) in (masks?.inputs ?? []).enumerated() {
            let sequence = input == .query ? inputs[0] : input == .value || count == 2 ? inputs[1] : inputs[2]
            guard all[count + index] == [sequence.first ?? 0, 1] else {
                throw GraphError(.shape, "the \(input.rawValue) mask has shape \(all[count + index]), expected [\(sequence.first ?? 0), 1]")
            }
        }
        guard inputs.allSatisfy({ $0.count == 2 }) else {
            throw GraphError(.shape, "expects [time, features] inputs, got \(inputs)")
        }
        let (query, value) = (inputs[0], inputs[1])
        let key = inputs.count == 3 ? inputs[2] : value
        guard key[0] == value[0] else { throw GraphError(.shape, "key \(key) and value \(value) differ in length") }
        try ShapeLimits.check([heads?.count ?? 1, query[0], key[0]])
        func check(_ name: String, _ shape: [Int], required: Bool) throws(GraphError) {
            guard let tensor = weights[name] else {
                if required { throw GraphError(.weights, "missing weight '\(name)'") }
                return
            }
            guard tensor.shape == shape else { throw GraphError(.weights, "\(name) has shape \(tensor.shape), expected \(shape)") }
        }
        guard let heads else {
            guard query[1] == key[1] else { throw GraphError(.shape, "query \(query) and key \(key) differ in features") }
            try check("scale", score == .additive ? [query[1]] : [], required: false)
            try check("concat_score_weight", [], required: score == .concat)
            if score != .concat, weights["concat_score_weight"] != nil {
                throw GraphError(.weights, "concat_score_weight is used by concat scores only")
            }
            return [query[0], value[1]]
        }
        let projections: [(String, Int, Int)] = [("query", query[1], heads.keyDim), ("key", key[1], heads.keyDim),
                                                 ("value", value[1], heads.valueDim)]
        for (name, features, width) in projections {
            try check("\(name)_kernel", [features, heads.count, width], required: true)
            try check("\(name)_bias", [heads.count, width], required: false)
        }
        try check("output_kernel", [heads.count, heads.valueDim] + heads.outputShape, required: true)
        try check("output_bias", heads.outputShape, required: false)
        for name in ["scale", "concat_score_weight"] where weights[name] != nil {
            throw GraphError(.weights, "\(name) is not a weight of multi-head attention")
        }
        return [query[0]] + heads.outputShape
    }
}

/// The Keras masks an attention op reads, and what a hidden score becomes.
public struct AttentionMasks: Sendable, Equatable, Hashable {
    /// The masked sequences, in the order of their mask inputs (query, value, key).
    public var inputs: [AttentionMaskedInput]
    public var hidden: HiddenScore

    public init(inputs: [AttentionMaskedInput], hidden: HiddenScore) {
        self.inputs = inputs
        self.hidden = hidden
    }
}

public enum AttentionMaskedInput: String, Sendable, Equatable, Hashable, CaseIterable {
    case query, value, key

    var order: Int { Self.allCases.firstIndex(of: self)! }
}

/// What a hidden score becomes before the softmax, as each Keras computes it in float32.
public enum HiddenScore: Sendable, Equatable, Hashable {
    /// `s − value` (tf-keras's MultiHeadAttention adds −1e9; both Kerases' Attention and AdditiveAttention subtract
    /// 1e9): the gradient passes through to the score.
    case lowered(by: Float)
    /// `value` in place of the score (Keras 3's MultiHeadAttention: −0.7 × 3.38953e38; tf-keras's with
    /// `softmax_robust_masking`: −1e9): no gradient reaches the score.
    case replaced(by: Float)

    public var value: Float {
        switch self {
        case .lowered(let value), .replaced(let value): return value
        }
    }
}
