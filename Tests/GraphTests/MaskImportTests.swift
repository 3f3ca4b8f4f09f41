import Foundation
@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensONNX
import KerasLensH5Reader
import Testing

/// Keras masks in the importer: where mask nodes go and what is refused. Edits of the zoo's masked models check the
/// refusals (`ConfigEditRefusalTests` does the same for other layers).
@Suite struct MaskImportTests {
    static func file(_ name: String) throws -> KerasFile { try NativeFixtures.zooFile(name) }

    /// Masking and Embedding(mask_zero) make mask nodes; recurrent layers and the pooling read them as a second
    /// input; the Dense passes the mask on to the SimpleRNN; Flatten drops it. Keras 3's recorded NotEqual/Any
    /// operations are replaced by the same mask nodes.
    @Test(arguments: ["masking_recurrent.k2.h5", "masking_recurrent.keras"])
    func masksAreWired(_ name: String) throws {
        let graph = try KerasImporter.build(try Self.file(name))
        func inputs(_ layer: String) -> [String] { graph.node(named: layer)?.inputs ?? [] }
        #expect(graph.node(named: "masking/mask")?.op == .sequenceMask(value: 0))
        #expect(graph.node(named: "embedding_masked/mask")?.inputs == ["ids"])
        #expect(inputs("masking") == ["sequence", "masking/mask"])
        #expect(inputs("lstm_masked") == ["masking", "masking/mask"])
        #expect(inputs("gru_masked") == ["lstm_masked", "masking/mask"])
        for layer in ["bi_lstm_masked", "bi_gru_last", "rnn_masked_backwards"] {
            #expect(inputs(layer).last == "embedding_masked/mask", "\(layer)")
        }
        #expect(inputs("masked_average") == ["bi_lstm_masked", "embedding_masked/mask"])
        #expect(inputs("dense_passes_mask") == ["embedding_masked"])
        #expect(!graph.nodes.contains { ["NotEqual", "Any"].contains($0.kerasClass) })
        guard case .recurrent(let bidirectional)? = graph.node(named: "bi_lstm_masked")?.op else {
            Issue.record("bi_lstm_masked is not recurrent")
            return
        }
        #expect(bidirectional.zeroOutputForMask)
    }

    /// Attention reads the masks of its query and value (MultiHeadAttention also its key's) as further inputs, the
    /// hidden scores lowered by 1e9 in tf-keras and replaced in Keras 3's MultiHeadAttention; its output carries the
    /// query's mask to the pooling. Keras 3 records no masks for these calls.
    @Test(arguments: ["k2.h5", "keras"])
    func attentionMasksAreWired(_ kind: String) throws {
        let selfAttention = try KerasImporter.build(try Self.file("masked_self_attention.\(kind)"))
        let keras3 = kind == "keras"
        let multiHead: HiddenScore = keras3 ? .replaced(by: Float(-0.7 * 3.38953e38)) : .lowered(by: 1e9)
        func attention(_ graph: Graph, _ name: String) -> Attention? {
            if case .attention(let attention)? = graph.node(named: name)?.op { return attention }
            return nil
        }
        #expect(selfAttention.node(named: "mha")?.inputs == ["embedding", "embedding", "embedding/mask", "embedding/mask"])
        #expect(attention(selfAttention, "mha")?.masks == AttentionMasks(inputs: [.query, .value], hidden: multiHead))
        #expect(selfAttention.node(named: "pool")?.inputs == ["mha", "embedding/mask"])
        #expect(selfAttention.node(named: "pool_causal")?.inputs == ["mha_causal", "embedding_causal/mask"])

        let cross = try KerasImporter.build(try Self.file("masked_cross_attention.\(kind)"))
        #expect(cross.node(named: "mha_keyed")?.inputs == ["mha_keyed_query_embedding", "mha_value_embedding", "mha_key_proj",
                                                           "mha_keyed_query_embedding/mask", "mha_value_embedding/mask", "mha_value_embedding/mask"])
        #expect(attention(cross, "mha_keyed")?.masks?.inputs == [.query, .value, .key])
        #expect(cross.node(named: "rows")?.inputs == ["query_embedding", "value_embedding", "query_embedding/mask", "value_embedding/mask"])
        #expect(attention(cross, "rows")?.masks == AttentionMasks(inputs: [.query, .value], hidden: .lowered(by: 1e9)))
        // Attention reads mask[0] and mask[1] only: the key's mask is not an input.
        #expect(cross.node(named: "concat_scores")?.inputs == ["query_embedding", "value_embedding", "key_proj",
                                                               "query_embedding/mask", "value_embedding/mask"])
        #expect(attention(cross, "value_only")?.masks?.inputs == [.value])
        #expect(cross.node(named: "pool_5")?.inputs == ["additive", "query_embedding/mask"])
        #expect(cross.node(named: "rows_flat")?.inputs == ["rows"])
    }

    typealias Edit = ConfigEdit

    static let edits: [Edit] = [
        // A softmax layer would use the mask (masked positions get no probability): refused, not run without it.
        Edit(file: "masking_recurrent.k2.h5", replace: #""class_name": "GlobalAveragePooling1D""#, with: #""class_name": "Softmax""#,
             fragment: "layer 'masked_average' (Softmax): it receives a Keras mask (from Embedding mask_zero or Masking), which KerasLens cannot apply to a Softmax layer"),
        Edit(file: "embedding.k2.h5", replace: #""input_dim": 11"#, with: #""input_dim": 12"#,
             fragment: "layer 'embedding' (Embedding): the configuration's input_dim [12] does not match embeddings of shape [11, 4]"),
        Edit(file: "embedding.k2.h5", replace: #""output_dim": 4"#, with: #""output_dim": 5"#,
             fragment: "layer 'embedding' (Embedding): the configuration's output_dim 5 does not match embeddings of shape [11, 4]"),
        // tf-keras records only masks passed explicitly (`rnn(x, mask=m)`): such a keyword tensor is refused by name.
        Edit(file: "masking_recurrent.k2.h5", replace: #"[[["dense_passes_mask", 0, 0, {}]]]"#,
             with: #"[[["dense_passes_mask", 0, 0, {"mask": ["masking", 0, 0]}]]]"#,
             fragment: "layer 'rnn_masked_backwards' (SimpleRNN): call argument 'mask' passes a tensor, which is not supported"),
        // Keras 3's MultiHeadAttention erases its inputs' masks: a masked tensor read by two of them is refused.
        Edit(file: "masked_self_attention.keras", replace: #""keras_history": ["embedding_causal", 0, 0]"#,
             with: #""keras_history": ["embedding", 0, 0]"#,
             fragment: "(MultiHeadAttention): its masked input 'embedding' is also read by"),
    ]

    @Test(arguments: edits) func isRefused(_ edit: Edit) throws { try edit.expectRefused() }

    /// A masked recurrent layer's ONNX form runs its unmasked steps, compacted, with `sequence_lens` (numbers checked
    /// in onnxruntime by scripts/check-onnx.sh).
    @Test func maskedRecurrenceExportsCompactedSteps() throws {
        let graph = try KerasImporter.build(try Self.file("masking_recurrent.k2.h5"))
        let nodes = try ONNXExporter.model(graph).graph.node
        let lstm = try #require(nodes.first { $0.opType == "LSTM" && $0.name.hasPrefix("lstm_masked") })
        #expect(lstm.input.count == 5, "X, W, R, B and sequence_lens")
        #expect(nodes.filter { $0.opType == "TopK" }.count == 5)
    }

    /// The masked models with an open sequence length (`[null, null, 3]`, `[null, null]`): the masked recurrent
    /// layers' ONNX lowering reads the length from the mask's shape, so the export holds at any length (numbers checked
    /// in onnxruntime at three lengths when this was written; the runtime's in `MaskOpenLengthTests`).
    @Test(arguments: ["masking_recurrent.k2.h5", "masking_last_state.k2.h5"])
    func maskedRecurrenceExportsAtAnOpenLength(_ name: String) throws {
        let file = try Self.file(name)
        let graph = try KerasImporter.build(file, config: try Self.openLength(try #require(file.modelConfig)))
        #expect(graph.hasOpenDimensions)
        #expect(graph.node(named: "embedding_masked/mask")?.outputShape == [openDimension, 1])
        let model = try ONNXExporter.model(graph)
        #expect(model.graph.input.map { $0.type.tensorType.shape.dim[1].dimParam } == ["sequence_1", "ids_1"])
        #expect(model.graph.node.contains { $0.opType == "TopK" })
    }

    static func openLength(_ config: String) throws -> String {
        let open = config.replacingOccurrences(of: "[null, 7, 3]", with: "[null, null, 3]")
            .replacingOccurrences(of: "[null, 7]", with: "[null, null]")
        #expect(open != config, "the edit must match")
        return open
    }

    /// TimeDistributed is in the mask table's refusals: the layer it wraps can neither receive a mask nor make one.
    @Test(arguments: [
        ("dense_passes_mask", "layer 'dense_passes_mask' (Dense): it receives a Keras mask (from Embedding mask_zero or Masking), which KerasLens cannot apply to a TimeDistributed layer"),
        ("embedding_masked", "layer 'embedding_masked' (Embedding): a Keras mask made inside TimeDistributed is not supported"),
    ])
    func timeDistributedMaskIsRefused(_ layer: String, _ fragment: String) throws {
        let file = try Self.file("masking_recurrent.k2.h5")
        let text = try #require(file.modelConfig)
        var config = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var body = try #require(config["config"] as? [String: Any])
        var layers = try #require(body["layers"] as? [[String: Any]])
        let index = try #require(layers.firstIndex { $0["name"] as? String == layer })
        let inner = layers[index]
        layers[index] = ["class_name": "TimeDistributed", "name": layer, "inbound_nodes": inner["inbound_nodes"] ?? [],
                         "config": ["name": layer, "layer": ["class_name": inner["class_name"] ?? "", "config": inner["config"] ?? [:]]]]
        body["layers"] = layers
        config["config"] = body
        let edited = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        #expect {
            _ = try KerasImporter.build(file, config: edited)
        } throws: { error in
            (error as? GraphError)?.description.contains(fragment) ?? false
        }
    }
}
