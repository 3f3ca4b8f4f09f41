import Foundation
@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensONNX
import KerasLensH5Reader
import Testing

/// Keras masks in the importer: where mask nodes go and what is refused. Edits of the zoo's masked models check the
/// refusals (`ConfigEditRefusalTests` does the same for other layers).
@Suite struct MaskImportTests {
    static func file(_ name: String) throws -> KerasFile {
        try KerasFile(path: NativeFixtures.root.appendingPathComponent("Fixtures/zoo/\(name)").path)
    }

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

    struct Edit: Sendable, CustomTestStringConvertible {
        var file: String
        var replace: String
        var with: String
        var fragment: String
        var testDescription: String { fragment }
    }

    static let edits: [Edit] = [
        // A softmax layer would use the mask (masked positions get no probability): refused, not run without it.
        Edit(file: "masking_recurrent.k2.h5", replace: #""class_name": "GlobalAveragePooling1D""#, with: #""class_name": "Softmax""#,
             fragment: "layer 'masked_average' (Softmax): it receives a Keras mask (from Embedding mask_zero or Masking), which KerasLens cannot apply to a Softmax layer"),
        Edit(file: "embedding.k2.h5", replace: #""input_dim": 11"#, with: #""input_dim": 12"#,
             fragment: "layer 'embedding' (Embedding): the configuration's input_dim [12] does not match embeddings of shape [11, 4]"),
        Edit(file: "embedding.k2.h5", replace: #""output_dim": 4"#, with: #""output_dim": 5"#,
             fragment: "layer 'embedding' (Embedding): the configuration's output_dim 5 does not match embeddings of shape [11, 4]"),
    ]

    @Test(arguments: edits) func isRefused(_ edit: Edit) throws {
        let file = try Self.file(edit.file)
        let config = try #require(file.modelConfig)
        #expect(config.contains(edit.replace), "the edit must match")
        #expect {
            _ = try KerasImporter.build(file, config: config.replacingOccurrences(of: edit.replace, with: edit.with))
        } throws: { error in
            (error as? GraphError)?.description.contains(edit.fragment) ?? false
        }
    }

    /// A masked recurrent layer's ONNX form runs its unmasked steps, compacted, with `sequence_lens` (numbers checked
    /// in onnxruntime by scripts/check-onnx.sh).
    @Test func maskedRecurrenceExportsCompactedSteps() throws {
        let graph = try KerasImporter.build(try Self.file("masking_recurrent.k2.h5"))
        let nodes = try ONNXExporter.model(graph).graph.node
        let lstm = try #require(nodes.first { $0.opType == "LSTM" && $0.name.hasPrefix("lstm_masked") })
        #expect(lstm.input.count == 5, "X, W, R, B and sequence_lens")
        #expect(nodes.filter { $0.opType == "TopK" }.count == 5)
    }
}
