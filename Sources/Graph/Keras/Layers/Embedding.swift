import KerasLensGraph

/// Keras's Embedding. `mask_zero` makes a mask, which the importer's `MaskTracker` wires from the ids; LoRA
/// (Keras 3's `lora_rank`, extra weights) is refused.
@Sendable func buildEmbedding(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    if config.has("lora_rank") { throw config.error(.unsupported, "LoRA embeddings (lora_rank) are not supported") }
    return BuiltLayer(op: .embedding, weightNames: ["embeddings"],
                      declared: [.axis(0, "input_dim", try config.int("input_dim"), of: "embeddings"),
                                 .last("output_dim", try config.int("output_dim"), of: "embeddings")])
}

/// Keras's Masking: the input times its mask (steps whose features all equal `mask_value` become zeros). The
/// `MaskTracker` adds the mask node and passes it as the second input.
@Sendable func buildMasking(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    guard inputs.count == 2, inputs[0].count == 2 else {
        throw config.error(.unsupported, "Masking over an input of shape \(inputs.first ?? []) is not supported (only [time, features])")
    }
    return BuiltLayer(op: .merge(.multiply))
}
