import KerasLensGraph

/// An attention op's attributes in its record (docs/FORMAT.md, `attention`): `score`, `causal`, and for
/// multi-head attention `num_heads`, `key_dim`, `value_dim` and the per-position output `shape`.
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
        return Attention(score: score, causal: causal, heads: heads)
    }
}
