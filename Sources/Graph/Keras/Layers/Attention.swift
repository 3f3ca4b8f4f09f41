import KerasLensGraph

/// Keras's MultiHeadAttention over [time, features] inputs: `mha(query, value)` or `mha(query, value, key)` (tensors
/// by position or keyword), default attention axes, `use_causal_mask` in the call. Dropout is identity at inference.
/// Keras masks of the query, value and key hide scores: tf-keras adds −1e9 to them (its Softmax layer; replaces
/// them by −1e9 with `softmax_robust_masking`), Keras 3 replaces them by −0.7 × 3.38953e38 (its backend's
/// `dot_product_attention`, which inference runs). An explicit `attention_mask`, attention scores as a second
/// output, gates and sliding windows are refused by name.
@Sendable func buildMultiHeadAttention(_ config: LayerConfig, _ all: [[Int]]) throws(GraphError) -> BuiltLayer {
    let inputs = Array(all.dropLast(config.maskedInputs.count))
    try config.requireSequences(inputs)
    if try config.bool("use_gate", default: false) { throw config.error(.unsupported, "use_gate=True is not supported") }
    if config.has("sliding_window") { throw config.error(.unsupported, "sliding_window is not supported") }
    if config.has("attention_axes") {
        var axes: [Int]
        if let single = config.values["attention_axes"]?.int { axes = [single] } else { axes = try config.intList("attention_axes") }
        // The projected query is [batch, time, heads, key_dim]: axis 1, or −2 counted as Keras counts it.
        guard axes == [1] || axes == [-2] else {
            throw config.error(.unsupported, "attention_axes \(axes) is not supported (only the sequence axis of [batch, time, features] inputs)")
        }
    }
    let keyDim = try config.int("key_dim")
    let valueDim = try config.int("value_dim", default: keyDim)
    var outputShape = [inputs[0][1]]
    if let single = config.values["output_shape"]?.int {
        outputShape = [single]
    } else if config.has("output_shape") {
        outputShape = try config.intList("output_shape")
    }
    let heads = AttentionHeads(count: try config.int("num_heads"), keyDim: keyDim, valueDim: valueDim, outputShape: outputShape)
    let useBias = try config.bool("use_bias", default: true)
    var masks: AttentionMasks?
    if !config.maskedInputs.isEmpty {
        let robust = try config.bool("softmax_robust_masking", default: false)
        let hidden: HiddenScore = config.kerasMajor >= 3 ? .replaced(by: Float(-0.7 * 3.38953e38))
                                                         : robust ? .replaced(by: -1e9) : .lowered(by: 1e9)
        masks = AttentionMasks(inputs: config.maskedInputs, hidden: hidden)
    }
    return BuiltLayer(op: .attention(Attention(score: .dot, causal: try config.causalCall(), heads: heads, masks: masks)),
                      weightNames: AttentionHeads.weightNames.filter { useBias || $0.hasSuffix("_kernel") },
                      archiveFolders: ["query_dense", "key_dense", "value_dense", "output_dense"])
}

/// Keras's Attention (Luong: `dot` or `concat` scores, `use_scale`) and AdditiveAttention (Bahdanau, `use_scale`)
/// on `[query, value]` or `[query, value, key]`; causal through tf-keras's `causal` option or the call's
/// `use_causal_mask`. Dropout is identity at inference. Keras masks: both Kerases subtract 1e9 from the scores of
/// masked value positions and zero the output rows of masked query positions. Attention scores as an output are
/// refused.
func dotAttentionBuilder(additive: Bool) -> LayerBuilder {
    { config, all throws(GraphError) in
        let inputs = Array(all.dropLast(config.maskedInputs.count))
        try config.requireSequences(inputs)
        let useScale = try config.bool("use_scale", default: additive)
        var score = AttentionScore.additive
        if !additive {
            let mode = try config.string("score_mode", default: "dot")
            guard let chosen = AttentionScore(rawValue: mode), chosen != .additive else {
                throw config.error(.unsupported, "score_mode '\(mode)' is not supported (dot or concat)")
            }
            score = chosen
        }
        let causalOption = try config.bool("causal", default: false)
        let causal = try config.causalCall() || causalOption
        let masks = config.maskedInputs.isEmpty ? nil : AttentionMasks(inputs: config.maskedInputs, hidden: .lowered(by: 1e9))
        return BuiltLayer(op: .attention(Attention(score: score, causal: causal, masks: masks)),
                          weightNames: (useScale ? ["scale"] : []) + (score == .concat ? ["concat_score_weight"] : []),
                          refusesStoredWeights: true)
    }
}

extension LayerConfig {
    /// Refuses inputs other than 2 or 3 [time, features] sequences, naming their shapes.
    func requireSequences(_ inputs: [[Int]]) throws(GraphError) {
        guard inputs.count == 2 || inputs.count == 3 else {
            throw error(.unsupported, "expects query and value (and key) tensors, got \(inputs.count) inputs")
        }
        guard inputs.allSatisfy({ $0.count == 2 }) else {
            throw error(.unsupported, "inputs of shapes \(inputs) are not supported (only [batch, time, features] sequences)")
        }
    }

    /// The call's `use_causal_mask`; refuses the call arguments that would need masks or give a second output.
    func causalCall() throws(GraphError) -> Bool {
        for (key, value) in keywords where !value.isNull {
            switch key {
            case "use_causal_mask", "training":
                continue
            case "return_attention_scores":
                guard value.bool == false else {
                    throw error(.unsupported, "return_attention_scores=True (a second output) is not supported")
                }
            default:
                throw error(.unsupported, "call argument '\(key)' is not supported")
            }
        }
        guard let value = keywords["use_causal_mask"], !value.isNull else { return false }
        guard let causal = value.bool else { throw error(.invalidConfig, "call argument 'use_causal_mask' is not true or false") }
        return causal
    }
}
