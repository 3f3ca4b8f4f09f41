import KerasLensH5Reader
@testable import KerasLensGraph
@testable import KerasLensKeras
import Testing

/// Importing inputs with open (`None`) dimensions: later shapes follow them as `openDimension`; a layer whose
/// configuration depends on their size is refused by name.
@Suite struct OpenDimensionImportTests {
    /// The weights file of a zoo model, whose configuration each test replaces (the layers here hold no weights).
    func graph(_ layers: String) throws -> Graph {
        let file = try KerasFile(path: NativeFixtures.path("zoo/open_length.k2.h5"))
        let config = #"{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [null, null, 6]}}, \#(layers)]}}"#
        return try KerasImporter.build(file, config: config)
    }

    @Test func shapesFollowTheOpenDimension() throws {
        let graph = try graph(#"{"class_name": "MaxPooling1D", "config": {"name": "pool", "pool_size": [2], "strides": [2], "padding": "valid"}}, {"class_name": "GlobalAveragePooling1D", "config": {"name": "gap"}}"#)
        #expect(graph.nodes.map(\.outputShape) == [[openDimension, 6], [openDimension, 6], [6]])
        #expect(try graph.specialized(inputShapes: [[9, 6]]).nodes.map(\.outputShape) == [[9, 6], [4, 6], [6]])
    }

    @Test func aReshapeResolvingTheOpenSizeIsRefusedByName() throws {
        #expect { try graph(#"{"class_name": "Reshape", "config": {"name": "reshape", "target_shape": [-1, 3]}}"#) } throws: { error in
            guard let error = error as? GraphError else { return false }
            return error.layer == "reshape" && error.detail.contains("open dimensions")
        }
        // A target of fixed sizes needs no resolution and takes the one length it fits; another is refused by name.
        let fixed = try graph(#"{"class_name": "Reshape", "config": {"name": "reshape", "target_shape": [2, 3]}}"#)
        #expect(fixed.nodes.last?.outputShape == [2, 3])
        #expect(try fixed.specialized(inputShapes: [[1, 6]]).nodes.last?.outputShape == [2, 3])
        #expect { try fixed.specialized(inputShapes: [[2, 6]]) } throws: { error in
            guard let error = error as? GraphError else { return false }
            return error.layer == "reshape" && error.detail.contains("(2, 6)") && error.detail.contains("[2, 3]")
        }
    }
}
