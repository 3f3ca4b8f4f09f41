import KerasLensGraph

/// An attention op's attributes in its record (docs/FORMAT.md, `attention`): `score`, `causal`, and for
/// multi-head attention `num_heads`, `key_dim`, `value_dim` and the per-position output `shape`; with Keras masks
/// `masks`, `hidden_score` (`lowered` | `replaced`) and `hidden_value`.
extension OpRecord {
    mutating func record(_ attention: Attention) {
        score = attention.score.rawValue
        causal = attention.causal
        if let heads = attention.heads {
            num_heads = heads.count
            key_dim = heads.keyDim
            value_dim = heads.valueDim
            shape = heads.outputShape
        }
        if let attentionMasks = attention.masks {
            masks = attentionMasks.inputs.map(\.rawValue)
            switch attentionMasks.hidden {
            case .lowered(let value): (hidden_score, hidden_value) = ("lowered", value)
            case .replaced(let value): (hidden_score, hidden_value) = ("replaced", value)
            }
        }
    }

    func attention() throws(GraphError) -> Attention {
        guard let name = score, let score = AttentionScore(rawValue: name) else {
            throw .native(.badAttribute(op: type, attribute: "score"))
        }
        guard let causal else { throw .native(.badAttribute(op: type, attribute: "causal")) }
        var heads: AttentionHeads?
        if num_heads != nil || key_dim != nil || value_dim != nil || shape != nil {
            guard let num_heads, let key_dim, let value_dim, let shape else {
                throw .native(.badAttribute(op: type, attribute: "num_heads"))
            }
            heads = AttentionHeads(count: num_heads, keyDim: key_dim, valueDim: value_dim, outputShape: shape)
        }
        var attentionMasks: AttentionMasks?
        if masks != nil || hidden_score != nil || hidden_value != nil {
            var inputs: [AttentionMaskedInput] = []
            for name in masks ?? [] {
                guard let input = AttentionMaskedInput(rawValue: name) else { throw .native(.badAttribute(op: type, attribute: "masks")) }
                inputs.append(input)
            }
            guard let hidden_value else { throw .native(.badAttribute(op: type, attribute: "hidden_value")) }
            switch hidden_score {
            case "lowered": attentionMasks = AttentionMasks(inputs: inputs, hidden: .lowered(by: hidden_value))
            case "replaced": attentionMasks = AttentionMasks(inputs: inputs, hidden: .replaced(by: hidden_value))
            default: throw .native(.badAttribute(op: type, attribute: "hidden_score"))
            }
        }
        return Attention(score: score, causal: causal, heads: heads, masks: attentionMasks)
    }
}
