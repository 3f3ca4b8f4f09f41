import Foundation
@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensONNX
import KerasLensH5Reader
import Testing

/// Bidirectional layers that one `recurrent` op cannot express (merge_mode None, a backward_layer of its own) are
/// lowered into a forward node, a backward node reading from the end with its sequence back in time order, and a
/// join for merge modes; the others stay one op. What Keras itself refuses is refused naming the layer.
@Suite struct BidirectionalImportTests {
    static func file(_ name: String) throws -> KerasFile { try NativeFixtures.zooFile(name) }

    static func recurrence(_ graph: Graph, _ name: String) -> Recurrence? {
        guard case .recurrent(let recurrence)? = graph.node(named: name)?.op else { return nil }
        return recurrence
    }

    @Test(arguments: ["bidirectional_none.k2.h5", "bidirectional_none.k3.h5", "bidirectional_none.keras"])
    func noneModeAndDifferingLayersAreLowered(_ name: String) throws {
        let graph = try KerasImporter.build(try Self.file(name))
        // merge_mode None: the call's name is the forward output, `/backward` the backward one (tensor index 1).
        let forward = try #require(Self.recurrence(graph, "bi_none_seq"))
        let backward = try #require(Self.recurrence(graph, "bi_none_seq/backward"))
        #expect(forward.merge == nil && !forward.goBackwards && !forward.flipsSequence)
        #expect(backward.goBackwards && backward.flipsSequence && backward.zeroOutputForMask)
        #expect(graph.node(named: "dense_backward")?.inputs == ["bi_none_seq/backward"])
        #expect(graph.node(named: "join_last")?.inputs == ["bi_none_last", "bi_none_last/backward"])
        #expect(graph.outputs == ["concat", "bi_none_last/backward"])
        // Last states need no reordering.
        #expect(Self.recurrence(graph, "bi_none_last/backward")?.flipsSequence == false)
        // A backward layer of another cell: its own recurrence and weights.
        #expect(Self.recurrence(graph, "bi_none_differ")?.cell == .simpleRNN)
        #expect(Self.recurrence(graph, "bi_none_differ/backward")?.cell == .lstm)
        // Merge modes over differing layers: the two directions joined by the existing ops under the layer's name.
        let concat = try #require(graph.node(named: "bi_lstm_gru_concat"))
        #expect(concat.op == .concatenate(axis: 2))
        #expect(concat.inputs == ["bi_lstm_gru_concat/forward", "bi_lstm_gru_concat/backward"])
        #expect(Self.recurrence(graph, "bi_lstm_gru_concat/backward")?.cell == .gru)
        #expect(graph.node(named: "bi_rnn_differ_sum")?.op == .merge(.add))
        #expect(graph.node(named: "bi_rnn_differ_sum/backward")?.weights["bias"] == nil)
        #expect(graph.node(named: "bi_rnn_differ_sum/forward")?.weights["bias"] != nil)
        #expect(graph.node(named: "bi_gru_lstm_ave")?.op == .merge(.average))
        #expect(graph.node(named: "bi_lstm_activation_mul")?.op == .merge(.multiply))
        #expect(Self.recurrence(graph, "bi_lstm_activation_mul/backward")?.activation == .softsign)
        #expect(Self.recurrence(graph, "bi_lstm_activation_mul/forward")?.activation == .tanh)
        // A shared None layer: the later call's directions are `NAME:1` and `NAME:1/backward`, on the first call's weights.
        #expect(graph.node(named: "bi_shared:1")?.weightsFrom == "bi_shared")
        #expect(graph.node(named: "bi_shared:1/backward")?.weightsFrom == "bi_shared/backward")
        #expect(graph.node(named: "add_shared")?.inputs == ["bi_shared/backward", "bi_shared:1"])
        // A forward layer reading backwards: Keras flips only the backward (forward-reading) layer's sequence.
        let readingBackwards = try #require(Self.recurrence(graph, "bi_forward_backwards/forward"))
        let flippedForwards = try #require(Self.recurrence(graph, "bi_forward_backwards/backward"))
        #expect(readingBackwards.goBackwards && !readingBackwards.flipsSequence)
        #expect(!flippedForwards.goBackwards && flippedForwards.flipsSequence)
        #expect(Self.recurrence(graph, "bi_none_forward_backwards/backward")?.flipsSequence == true)
    }

    /// A merge mode over the forward layer read backwards stays one op, one ONNX op of direction `bidirectional`.
    @Test func mirroredLayerStaysOneOp() throws {
        let graph = try KerasImporter.build(try Self.file("bidirectional.k2.h5"))
        #expect(Self.recurrence(graph, "bi_lstm_concat")?.merge == .concat)
        #expect(Self.recurrence(graph, "bi_rnn_given")?.merge == .concat)
        #expect(!graph.nodes.contains { $0.name.hasSuffix("/backward") })
        let nodes = try ONNXExporter.model(graph).graph.node
        let lstm = try #require(nodes.first { $0.opType == "LSTM" && $0.name.hasPrefix("bi_lstm_concat") })
        #expect(lstm.attribute.first { $0.name == "direction" }?.s == Data("bidirectional".utf8))
    }

    /// The lowered directions export as two ONNX ops, forward and reverse (numbers checked in onnxruntime by
    /// scripts/check-onnx.sh); the reverse op's sequence output is ONNX's time order already.
    @Test func loweredDirectionsExportAsTwoOps() throws {
        let graph = try KerasImporter.build(try Self.file("bidirectional_none.k2.h5"))
        let nodes = try ONNXExporter.model(graph).graph.node
        func direction(_ prefix: String, _ type: String) -> String? {
            nodes.first { $0.opType == type && $0.name.hasPrefix(prefix) }
                .flatMap { $0.attribute.first { $0.name == "direction" } }.map { String(decoding: $0.s, as: UTF8.self) }
        }
        #expect(direction("bi_lstm_gru_concat/forward", "LSTM") == "forward")
        #expect(direction("bi_lstm_gru_concat/backward", "GRU") == "reverse")
        #expect(direction("bi_none_seq/backward", "LSTM") == "reverse")
    }

    /// Masks: both directions read the mask; each output of a None layer over sequences carries it on, and so does
    /// the join of a lowered merge mode.
    @Test(arguments: ["bidirectional_none_masked.k2.h5", "bidirectional_none_masked.keras"])
    func masksReachBothDirections(_ name: String) throws {
        let graph = try KerasImporter.build(try Self.file(name))
        func inputs(_ layer: String) -> [String] { graph.node(named: layer)?.inputs ?? [] }
        #expect(inputs("bi_none_masked") == ["embedding_masked", "embedding_masked/mask"])
        #expect(inputs("bi_none_masked/backward") == ["embedding_masked", "embedding_masked/mask"])
        #expect(inputs("masked_average") == ["bi_none_masked", "embedding_masked/mask"])
        #expect(inputs("lstm_after_backward") == ["bi_none_masked/backward", "embedding_masked/mask"])
        #expect(inputs("bi_none_masked_last/backward") == ["masking", "masking/mask"])
        #expect(inputs("differ_average") == ["bi_differ_masked", "masking/mask"])
    }

    typealias Edit = ConfigEdit

    static let edits: [Edit] = [
        // Keras's `_verify_layer_config`: the backward layer must read the other way, and return what the forward one does.
        Edit(file: "bidirectional_none.k2.h5",
             replace: #""name": "simple_rnn_2", "trainable": true, "dtype": "float32", "return_sequences": false, "return_state": false, "go_backwards": true"#,
             with: #""name": "simple_rnn_2", "trainable": true, "dtype": "float32", "return_sequences": false, "return_state": false, "go_backwards": false"#,
             fragment: "layer 'bi_rnn_differ_sum' (Bidirectional): its layer and backward_layer read the same way (Keras requires different go_backwards)"),
        Edit(file: "bidirectional_none.k2.h5",
             replace: #""name": "simple_rnn_2", "trainable": true, "dtype": "float32", "return_sequences": false"#,
             with: #""name": "simple_rnn_2", "trainable": true, "dtype": "float32", "return_sequences": true"#,
             fragment: "layer 'bi_rnn_differ_sum' (Bidirectional): its layer and backward_layer differ in return_sequences (Keras requires them equal)"),
        // Keras cannot add, multiply or average outputs of different units.
        Edit(file: "bidirectional_units.k2.h5", replace: #""merge_mode": "concat""#, with: #""merge_mode": "sum""#,
             fragment: "layer 'bi_units_concat' (Bidirectional): merge_mode sum joins outputs of equal size, but its layer has 4 units and its backward_layer 2"),
        Edit(file: "bidirectional_none.k2.h5", replace: #""class_name": "GRU", "config": {"name": "gru_1""#,
             with: #""class_name": "Dense", "config": {"name": "gru_1""#,
             fragment: "layer 'bi_lstm_gru_concat' (Bidirectional): Bidirectional around Dense is not supported"),
        Edit(file: "bidirectional_none.k2.h5", replace: #""name": "gru_1", "trainable": true, "dtype": "float32", "return_sequences": true, "return_state": false"#,
             with: #""name": "gru_1", "trainable": true, "dtype": "float32", "return_sequences": true, "return_state": true"#,
             fragment: "layer 'bi_lstm_gru_concat' (Bidirectional): its backward_layer: return_state=True is not supported"),
        // A second output exists only for merge_mode None.
        Edit(file: "bidirectional_none.k2.h5", replace: #""name": "dense_backward", "inbound_nodes": [[["bi_none_seq", 0, 1, {}]]]"#,
             with: #""name": "dense_backward", "inbound_nodes": [[["bi_lstm_gru_concat", 0, 1, {}]]]"#,
             fragment: "layer 'dense_backward' (Dense): input 'bi_lstm_gru_concat' is output 1 of a layer, which is not supported"),
        Edit(file: "bidirectional_none.keras",
             replace: #""name": "dense_backward", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 7, 4], "dtype": "float32", "keras_history": ["bi_none_seq", 0, 1]}}]"#,
             with: #""name": "dense_backward", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 7, 4], "dtype": "float32", "keras_history": ["bi_lstm_gru_concat", 0, 1]}}]"#,
             fragment: "layer 'dense_backward' (Dense): input 'bi_lstm_gru_concat' is output 1 of a layer, which is not supported"),
        Edit(file: "bidirectional_none.k2.h5", replace: #"["bi_none_last", 0, 1]]"#, with: #"["bi_none_last", 0, 2]]"#,
             fragment: "layer 'bi_none_last': output_layers names output 2 of a layer, which is not supported"),
        // A layer named as a direction of a lowered Bidirectional would clash.
        Edit(file: "bidirectional_none.k2.h5", replace: #""flatten_5""#, with: #""bi_lstm_gru_concat/forward""#,
             fragment: "layer 'bi_lstm_gru_concat' (Bidirectional): the layer name 'bi_lstm_gru_concat/forward', which KerasLens gives a direction of this Bidirectional, is used by another layer"),
    ]

    @Test(arguments: edits) func isRefused(_ edit: Edit) throws { try edit.expectRefused() }
}
