import Foundation
import KerasLensGraph
import KerasLens
@testable import KerasLensRuntime
import Testing
import TestSupport

/// Inputs with open (`None`) dimensions beyond the recorded parity of the `open_length` and `open_size_2d` zoo
/// models at two sizes each: the per-shape model cache, a length a layer cannot take, the native round trip and
/// explanations at the input's length.
@Suite struct OpenDimensionTests {
    static let file = "zoo/open_length.k2.h5"

    static func inputs() throws -> (short: Tensor, long: Tensor) {
        (try FixtureManifest.array("zoo/open_length.input.npy"), try FixtureManifest.array("zoo/open_length.second.input.npy"))
    }

    @Test func theGraphKeepsTheOpenLength() throws {
        let graph = try KerasImporter.load(path: FixtureManifest.path(Self.file))
        #expect(graph.hasOpenDimensions)
        #expect(graph.node(named: "sequence")?.outputShape == [openDimension, 3])
        #expect(graph.node(named: "lstm")?.outputShape == [openDimension, 5])
        #expect(graph.node(named: "gru")?.outputShape == [4])
        let model = try Model(graph)
        #expect(model.inputShapes == [[openDimension, 3]])
        #expect(model.outputShapes == [[3]])
    }

    /// Two lengths alternating give, call after call, what a fresh model gives at each, bit for bit; each length's
    /// specialisation is built once and reused.
    @Test func alternatingLengthsReuseTheirPlansAndMatchFreshModels() throws {
        let graph = try KerasImporter.load(path: FixtureManifest.path(Self.file))
        let model = try Model(graph)
        let (short, long) = try Self.inputs()
        var results: [Tensor] = []
        for input in [short, long, short, long, short] {
            results.append(try model.run([input]).outputs[0])
        }
        let freshShort = try Model(graph.specialized(inputShapes: [[9, 3]])).run([short]).outputs[0]
        let freshLong = try Model(graph.specialized(inputShapes: [[14, 3]])).run([long]).outputs[0]
        for (index, result) in results.enumerated() { #expect(result == (index % 2 == 0 ? freshShort : freshLong), "call \(index)") }
        #expect(model.specializations?.count == 2)
        #expect(try model.specialized(for: [[9, 3]]) === model.specialized(for: [[9, 3]]))
        // Gradients and single samples take the same path.
        let gradients = try model.gradients([long], withRespectTo: ["sequence"])
        let fresh = try Model(graph.specialized(inputShapes: [[14, 3]])).gradients([long], withRespectTo: ["sequence"])
        #expect(gradients.gradients["sequence"] == fresh.gradients["sequence"])
        #expect(try model.run([short.samples(1..<2)]).outputs[0] == freshShort.samples(1..<2))
        #expect(try model.predict(Tensor(shape: [9, 3], scalars: short.samples(2..<3).scalars)) == freshShort.samples(2..<3))
    }

    /// A Flatten → Dense after an open axis works only at the length the Dense's kernel was made for: another length
    /// is refused naming the layer and the shapes it met.
    @Test func aLengthTheDenseCannotTakeIsRefusedByName() throws {
        let kernel = Tensor(shape: [12, 2], scalars: (0..<24).map { Float($0) * 0.1 - 1 })
        let graph = Graph(nodes: [
            Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [openDimension, 3]),
            Node(name: "flatten", kerasClass: "Flatten", op: .flatten, inputs: ["x"], outputShape: [openDimension]),
            Node(name: "dense", kerasClass: "Dense", op: .dense(activation: .linear), inputs: ["flatten"],
                 weights: ["kernel": kernel], outputShape: [2]),
        ], inputs: ["x"], outputs: ["dense"], source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
        let model = try Model(graph)
        let four = Tensor(shape: [1, 4, 3], scalars: (0..<12).map { Float($0) })
        let expected = (0..<2).map { column in (0..<12).reduce(Float(0)) { $0 + Float($1) * kernel.scalars[$1 * 2 + column] } }
        expectClose(try model.run([four]).outputs[0], Tensor(shape: [1, 2], scalars: expected))
        let five = Tensor(shape: [1, 5, 3], scalars: Array(repeating: 1, count: 15))
        #expect { try model.run([five]) } throws: { error in
            guard let error = error as? RuntimeError else { return false }
            return error.layer == "dense" && error.detail.contains("(15)") && error.detail.contains("[12, 2]")
        }
        // A fixed dimension given another size is refused at the input.
        #expect { try model.run([Tensor(shape: [1, 4, 2], scalars: Array(repeating: 1, count: 8))]) } throws: { error in
            (error as? RuntimeError)?.layer == "x"
        }
    }

    @Test func theNativeFileKeepsOpenDimensions() throws {
        let graph = try KerasImporter.load(path: FixtureManifest.path("zoo/open_size_2d.keras"))
        let folder = try ScratchFolder.make("open")
        let path = folder.appendingPathComponent("open.safetensors").path
        try NativeFile.write(graph, to: path)
        let read = try NativeFile.read(path: path).graph
        #expect(read.node(named: "image")?.outputShape == [openDimension, openDimension, 3])
        #expect(read.nodes.map(\.outputShape) == graph.nodes.map(\.outputShape))
        for (input, output) in [("zoo/open_size_2d.input.npy", "zoo/open_size_2d.k3.output.npy"),
                                ("zoo/open_size_2d.second.input.npy", "zoo/open_size_2d.second.k3.output.npy")] {
            expectClose(try Model(read).run([FixtureManifest.array(input)]).outputs[0], try FixtureManifest.array(output))
        }
    }

    @Test func explanationsRunAtTheInputsLength() throws {
        let graph = try KerasImporter.load(path: FixtureManifest.path(Self.file))
        let (_, long) = try Self.inputs()
        var options = ExplanationOptions()
        options.layer = "lstm"
        for method in [ExplanationMethod.gradcam, .saliency] {
            let open = try method.explain(Model(graph), inputs: long, options: options)
            let fixed = try method.explain(Model(graph.specialized(inputShapes: [[14, 3]])), inputs: long, options: options)
            #expect(open.maps.shape == [3, 14])
            #expect(open.maps == fixed.maps, "\(method)")
        }
    }
}
