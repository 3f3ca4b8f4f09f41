@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import KerasLens
import Testing

/// The configuration walker on hand-written configs in each dialect Keras has written.
@Suite struct ModelStructureTests {
    func structure(_ json: String, archive: Bool = false, major: Int = 2) throws -> ModelStructure {
        try ModelStructure(config: JSONValue.parse(json), kerasMajor: major, isArchive: archive)
    }

    func layer(_ name: String, _ className: String, inbound: String) -> String {
        #"{"class_name": "\#(className)", "name": "\#(name)", "config": {"name": "\#(name)"}, "inbound_nodes": \#(inbound)}"#
    }

    let input = #"{"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 4]}, "inbound_nodes": []}"#

    @Test func keras2FunctionalLists() throws {
        let json = #"{"class_name": "Functional", "config": {"layers": [\#(input), \#(layer("a", "Dense", inbound: #"[[["x", 0, 0, {}]]]"#)), \#(layer("b", "Dense", inbound: #"[[["x", 0, 0, {}]]]"#)), \#(layer("sum", "Add", inbound: #"[[["a", 0, 0, {}], ["b", 0, 0, {}]]]"#))], "input_layers": [["x", 0, 0]], "output_layers": [["sum", 0, 0]]}}"#
        let model = try structure(json)
        #expect(model.inputs == ["x"])
        #expect(model.outputs == ["sum"])
        #expect(model.calls.map(\.config.name) == ["x", "a", "b", "sum"])
        #expect(model.calls.last?.inbound == ["a", "b"])
    }

    @Test func keras3TensorHistories() throws {
        func tensor(_ name: String) -> String {
            #"{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["\#(name)", 0, 0]}}"#
        }
        let input3 = #"{"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": [null, 4]}, "inbound_nodes": []}"#
        let json = #"{"class_name": "Functional", "config": {"layers": [\#(input3), \#(layer("a", "Dense", inbound: "[{\"args\": [\(tensor("x"))], \"kwargs\": {}}]")), \#(layer("cat", "Concatenate", inbound: "[{\"args\": [[\(tensor("x")), \(tensor("a"))]], \"kwargs\": {}}]"))], "input_layers": ["x", 0, 0], "output_layers": ["cat", 0, 0]}}"#
        let model = try structure(json, archive: true, major: 3)
        #expect(model.calls.last?.inbound == ["x", "a"])
        #expect(model.outputs == ["cat"])
        #expect(model.calls[1].weights == .archive(path: "layers/dense"))
    }

    @Test func sequentialBareListAndArchivePaths() throws {
        let json = #"{"class_name": "Sequential", "config": [{"class_name": "Conv1D", "config": {"name": "c0", "batch_input_shape": [null, 8, 1]}}, {"class_name": "Conv1D", "config": {"name": "c1"}}, {"class_name": "BatchNormalization", "config": {"name": "bn"}}]}"#
        let model = try structure(json, archive: true)
        #expect(model.inputs == ["c0_input"])
        #expect(model.calls.map(\.config.name) == ["c0_input", "c0", "c1", "bn"])
        #expect(model.calls.dropFirst().map(\.weights) == [.archive(path: "layers/conv1d"), .archive(path: "layers/conv1d_1"),
                                                          .archive(path: "layers/batch_normalization")])
    }

    @Test func nestedSequentialIsInlined() throws {
        let inner = #"{"class_name": "Sequential", "name": "block", "config": {"name": "block", "layers": [{"class_name": "InputLayer", "config": {"name": "block_in", "batch_shape": [null, 4]}}, {"class_name": "Dense", "config": {"name": "d"}}]}, "inbound_nodes": [[["x", 0, 0, {}]]]}"#
        let json = #"{"class_name": "Functional", "config": {"layers": [\#(input), \#(inner), \#(layer("out", "Dense", inbound: #"[[["block", 0, 0, {}]]]"#))], "input_layers": [["x", 0, 0]], "output_layers": [["out", 0, 0]]}}"#
        let model = try structure(json)
        #expect(model.calls.map(\.config.name) == ["x", "d", "out"])
        #expect(model.calls[1].inbound == ["x"])
        #expect(model.calls[1].weights == .hdf5(group: "block", inner: "d"))
        #expect(model.calls[2].inbound == ["d"])
        let archived = try structure(json, archive: true)
        #expect(archived.calls[1].weights == .archive(path: "layers/sequential/layers/dense"))
    }

    /// tf-keras's ConvNeXt stem: a nested Sequential built from an Input counts its construction as call 0, so its one
    /// saved call is referenced as call 1.
    @Test func nestedModelReferencedThroughItsOnlySavedCall() throws {
        let inner = #"{"class_name": "Sequential", "name": "stem", "config": {"name": "stem", "layers": [{"class_name": "InputLayer", "config": {"name": "stem_in", "batch_input_shape": [null, 4]}}, {"class_name": "Dense", "config": {"name": "d"}}]}, "inbound_nodes": [[["x", 0, 0, {}]]]}"#
        let json = #"{"class_name": "Functional", "config": {"layers": [\#(input), \#(inner), \#(layer("out", "Dense", inbound: #"[[["stem", 1, 0, {}]]]"#))], "input_layers": [["x", 0, 0]], "output_layers": [["out", 0, 0]]}}"#
        #expect(try structure(json).calls.last?.inbound == ["d"])
    }

    /// Each call of a shared layer is a call of its own, named `name:K` after the first, taking the first's weights;
    /// a call may read the layer's own earlier call.
    @Test func sharedLayerCallsAreNamedInOrder() throws {
        let json = #"{"class_name": "Functional", "config": {"layers": [\#(input), \#(layer("a", "Dense", inbound: #"[[["x", 0, 0, {}]], [["a", 0, 0, {}]], [["a", 1, 0, {}]]]"#)), \#(layer("sum", "Add", inbound: #"[[["a", 0, 0, {}], ["a", 2, 0, {}]]]"#))], "input_layers": [["x", 0, 0]], "output_layers": [["sum", 0, 0], ["a", 1, 0]]}}"#
        let model = try structure(json)
        #expect(model.calls.map(\.config.name) == ["x", "a", "a:1", "a:2", "sum"])
        #expect(model.calls.map(\.inbound) == [[], ["x"], ["a"], ["a:1"], ["a", "a:2"]])
        #expect(model.calls.map(\.weightsFrom) == [nil, nil, "a", "a", nil])
        #expect(Set(model.calls.dropFirst().dropLast().map(\.weights)) == [.hdf5(group: "a", inner: nil)])
        #expect(model.outputs == ["sum", "a:1"])
    }

    /// A nested model called twice: tf-keras numbers a nested Sequential built from an Input from 1 (its
    /// construction is call 0); Keras 3 numbers inbound nodes from 0 but output layers of a Functional from 1.
    @Test func nestedModelCalledTwice() throws {
        let input2 = #"{"class_name": "InputLayer", "name": "y", "config": {"name": "y", "batch_input_shape": [null, 4]}, "inbound_nodes": []}"#
        let inner = #"{"class_name": "Sequential", "name": "enc", "config": {"name": "enc", "layers": [{"class_name": "InputLayer", "config": {"name": "enc_in", "batch_input_shape": [null, 4]}}, {"class_name": "Dense", "config": {"name": "d"}}]}, "inbound_nodes": [[["x", 0, 0, {}]], [["y", 0, 0, {}]]]}"#
        let json = #"{"class_name": "Functional", "config": {"layers": [\#(input), \#(input2), \#(inner), \#(layer("sub", "Subtract", inbound: #"[[["enc", 2, 0, {}], ["enc", 1, 0, {}]]]"#))], "input_layers": [["x", 0, 0], ["y", 0, 0]], "output_layers": [["sub", 0, 0], ["enc", 2, 0]]}}"#
        let model = try structure(json)
        #expect(model.calls.map(\.config.name) == ["x", "y", "d", "d:1", "sub"])
        #expect(model.calls.map(\.inbound) == [[], [], ["x"], ["y"], ["d:1", "d"]])
        #expect(model.calls[3].weightsFrom == "d" && model.calls[3].weights == .hdf5(group: "enc", inner: "d"))
        #expect(model.outputs == ["sub", "d:1"])
        // Keras 3 writes the same calls as 0 and 1 in inbound nodes.
        let keras3 = json.replacingOccurrences(of: #"["enc", 2, 0, {}], ["enc", 1, 0, {}]"#, with: #"["enc", 1, 0, {}], ["enc", 0, 0, {}]"#)
            .replacingOccurrences(of: "Sequential", with: "Functional").replacingOccurrences(of: #""layers": [{"class_name": "InputLayer", "config": {"name": "enc_in", "batch_input_shape": [null, 4]}}, {"class_name": "Dense", "config": {"name": "d"}}]"#,
                                                                                           with: #""layers": [{"class_name": "InputLayer", "config": {"name": "enc_in", "batch_input_shape": [null, 4]}, "inbound_nodes": []}, {"class_name": "Dense", "config": {"name": "d"}, "inbound_nodes": [[["enc_in", 0, 0, {}]]]}], "input_layers": [["enc_in", 0, 0]], "output_layers": [["d", 0, 0]]"#)
        let model3 = try structure(keras3, major: 3)
        #expect(model3.calls.map(\.inbound) == [[], [], ["x"], ["y"], ["d:1", "d"]])
        #expect(model3.outputs == ["sub", "d:1"])
    }

    @Test func missingCallsAndSecondOutputsAreRefused() throws {
        let json = #"{"class_name": "Functional", "config": {"layers": [\#(input), \#(layer("a", "Dense", inbound: #"[[["x", 0, 0, {}]], [["x", 0, 0, {}]]]"#)), \#(layer("b", "Dense", inbound: #"[[["a", 5, 0, {}]]]"#))], "input_layers": [["x", 0, 0]], "output_layers": [["b", 0, 0]]}}"#
        #expect { try structure(json) } throws: { ($0 as? GraphError)?.layer == "b" && ($0 as? GraphError)?.description.contains("call 5") == true }
        let second = json.replacingOccurrences(of: #"["a", 5, 0, {}]"#, with: #"["a", 0, 1, {}]"#)
        #expect { try structure(second) } throws: { ($0 as? GraphError)?.kind == .unsupported && ($0 as? GraphError)?.description.contains("several outputs") == true }
    }

    @Test func cyclesAndMissingLayersAreRefused() throws {
        let cycle = #"{"class_name": "Functional", "config": {"layers": [\#(input), \#(layer("a", "Add", inbound: #"[[["x", 0, 0, {}], ["b", 0, 0, {}]]]"#)), \#(layer("b", "Dense", inbound: #"[[["a", 0, 0, {}]]]"#))], "input_layers": [["x", 0, 0]], "output_layers": [["b", 0, 0]]}}"#
        #expect { try KerasImporter.topologicalOrder(structure(cycle).calls) } throws: {
            ($0 as? GraphError)?.description.contains("cycle") == true
        }
        let missing = #"{"class_name": "Functional", "config": {"layers": [\#(input), \#(layer("a", "Dense", inbound: #"[[["ghost", 0, 0, {}]]]"#))], "input_layers": [["x", 0, 0]], "output_layers": [["a", 0, 0]]}}"#
        #expect { try KerasImporter.topologicalOrder(structure(missing).calls) } throws: {
            ($0 as? GraphError)?.description.contains("ghost") == true
        }
    }

    @Test func openInputDimensionsAreKeptAndInvalidOnesRefused() throws {
        let json = #"{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [null, null, 3]}}]}}"#
        #expect(try structure(json).calls.first?.inputShape == [openDimension, 3])
        for bad in ["0", "-1", "\"seven\""] {
            let json = #"{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [null, \#(bad), 3]}}]}}"#
            #expect(throws: GraphError.self) { try structure(json) }
        }
    }

    /// TimeDistributed: the wrapped layer is a call under the wrapper's name, one more axis distributed, its weights
    /// in the wrapper's HDF5 group or under `layer` in the archive; a wrapped model's layers are each distributed.
    @Test func timeDistributedWrapsALayerOrAModel() throws {
        let dense = #"{"class_name": "TimeDistributed", "name": "td", "config": {"name": "td", "layer": {"class_name": "Dense", "config": {"name": "dense", "units": 2}}}, "inbound_nodes": [[["x", 0, 0, {}]]]}"#
        let model = #"{"class_name": "TimeDistributed", "name": "tds", "config": {"name": "tds", "layer": {"class_name": "Sequential", "config": {"name": "step", "layers": [{"class_name": "InputLayer", "config": {"name": "step_in", "batch_shape": [null, 2]}}, {"class_name": "Dense", "config": {"name": "inner"}}]}}}, "inbound_nodes": [[["td", 0, 0, {}]]]}"#
        let json = #"{"class_name": "Functional", "config": {"layers": [\#(input), \#(dense), \#(model), \#(layer("out", "Dense", inbound: #"[[["tds", 0, 0, {}]]]"#))], "input_layers": [["x", 0, 0]], "output_layers": [["out", 0, 0]]}}"#
        let h5 = try structure(json)
        #expect(h5.calls.map(\.config.name) == ["x", "td", "inner", "out"])
        #expect(h5.calls.map(\.config.kerasClass) == ["InputLayer", "Dense", "Dense", "Dense"])
        #expect(h5.calls.map(\.distributedAxes) == [0, 1, 1, 0])
        #expect(h5.calls.map(\.wrapper) == [nil, "TimeDistributed", nil, nil])
        #expect(h5.calls[1].weights == .hdf5(group: "td", inner: nil))
        #expect(h5.calls[2].weights == .hdf5(group: "tds", inner: "inner"))
        #expect(h5.calls[3].inbound == ["inner"])
        let archive = try structure(json, archive: true, major: 3)
        #expect(archive.calls[1].weights == .archive(path: "layers/time_distributed/layer"))
        #expect(archive.calls[2].weights == .archive(path: "layers/time_distributed_1/layer/layers/dense"))
    }

    @Test func subclassedModelsAreRefused() throws {
        #expect { try structure(#"{"class_name": "MyModel", "config": {}}"#) } throws: {
            ($0 as? GraphError)?.kind == .unsupported
        }
    }
}
