import Foundation
@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import KerasLens
import Testing

/// The native format written and read back: bit-identical weights, the same graph, the documented layout.
@Suite struct NativeFileTests {
    /// Every fixture model: `.h5`/`.keras` → native → the same nodes, ops, shapes and weights bit for bit.
    @Test(arguments: NativeFixtures.models)
    func roundTripIsBitIdentical(_ model: NativeFixtures.Model) throws {
        let original = try KerasImporter.load(path: NativeFixtures.path(model.file))
        let path = try NativeFixtures.temporaryFile("\(model.name).safetensors")
        try NativeFile.write(original, to: path)
        let loaded = try NativeFile.read(path: path)
        #expect(loaded.selfTest == nil)
        let graph = loaded.graph
        #expect(graph.inputs == original.inputs)
        #expect(graph.outputs == original.outputs)
        #expect(graph.source == GraphSource(format: "safetensors", kerasVersion: original.source.kerasVersion, backend: original.source.backend))
        #expect(graph.nodes.count == original.nodes.count)
        for (read, written) in zip(graph.nodes, original.nodes) {
            #expect(read.name == written.name)
            #expect(read.kerasClass == written.kerasClass)
            #expect(read.op == written.op, "op of \(written.name)")
            #expect(read.inputs == written.inputs)
            #expect(read.outputShape == written.outputShape)
            #expect(read.constantNames == written.constantNames)
            #expect(read.weightsFrom == written.weightsFrom)
            #expect(read.weights.keys.sorted() == written.weights.keys.sorted(), "weights of \(written.name)")
            for (name, tensor) in written.weights {
                #expect(read.weights[name]?.shape == tensor.shape, "\(written.name)/\(name)")
                #expect(read.weights[name]?.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(written.name)/\(name)")
            }
        }
        #expect(graph.parameterCount == original.parameterCount)
        #expect(ModelFile.kind(of: path) == .native)
        #expect(try ModelFile.load(path: path).nodes.map(\.name) == original.nodes.map(\.name))
    }

    @Test func selfTestIsStoredAndReadBack() throws {
        let graph = NativeFixtures.tinyGraph
        let inputs = SelfTest.inputs(shapes: [[3]])
        let selfTest = SelfTest(inputs: inputs, outputs: [Tensor(shape: [2, 2], scalars: [1, -0.0, .greatestFiniteMagnitude, 4])])
        let path = try NativeFixtures.temporaryFile("tiny.safetensors")
        try NativeFile.write(graph, selfTest: selfTest, to: path)
        let read = try #require(try NativeFile.read(path: path).selfTest)
        #expect(read.inputs.map(\.shape) == [[2, 3]])
        #expect(read.inputs[0].scalars.map(\.bitPattern) == inputs[0].scalars.map(\.bitPattern))
        #expect(read.outputs[0].scalars.map(\.bitPattern) == selfTest.outputs[0].scalars.map(\.bitPattern))
        #expect(try NativeFile.read(path: path, selfTest: false).selfTest == nil)
    }

    /// The generator docs/FORMAT.md specifies: SplitMix64 from 0x4B657261734C656E, `(x >> 40) / 2^23 − 1`.
    @Test func selfTestInputIsTheDocumentedStream() {
        let inputs = SelfTest.inputs(shapes: [[2], [1]])
        #expect(inputs.map(\.shape) == [[2, 2], [2, 1]])
        #expect(inputs[0].scalars == [0.2278836965560913, -0.23793113231658936, 0.31593894958496094, -0.5803039073944092])
        #expect(SelfTest.inputs(shapes: [[64]])[0].scalars.allSatisfy { $0 >= -1 && $0 < 1 })
    }

    /// The container as any safetensors reader sees it: names `<layer>/<weight>`, F32, string metadata, a header
    /// padded so the buffer starts on 8 bytes, tensors end to end.
    @Test func layoutIsPlainSafetensors() throws {
        let path = try NativeFixtures.temporaryFile("tiny.safetensors")
        try NativeFile.write(NativeFixtures.tinyGraph, to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        #expect((8 + length) % 8 == 0)
        let header = try #require(try JSONSerialization.jsonObject(with: bytes[8..<(8 + length)]) as? [String: Any])
        #expect(Set(header.keys) == ["__metadata__", "dense/kernel", "dense/bias"])
        let metadata = try #require(header["__metadata__"] as? [String: String])
        #expect(metadata["format"] == "keraslens")
        #expect(metadata["format_version"] == "1")
        let graphJSON = try #require(metadata["keraslens.graph"])
        let graph = try #require(try JSONSerialization.jsonObject(with: Data(graphJSON.utf8)) as? [String: Any])
        #expect(graph["inputs"] as? [String] == ["x"])
        let kernel = try #require(header["dense/kernel"] as? [String: Any])
        #expect(kernel["dtype"] as? String == "F32")
        #expect(kernel["shape"] as? [Int] == [3, 2])
        let bias = try #require(header["dense/bias"] as? [String: Any])
        #expect(bias["data_offsets"] as? [Int] == [0, 8])
        #expect(kernel["data_offsets"] as? [Int] == [8, 32])
        #expect(bytes.count == 8 + length + 32)
        let firstKernelValue = bytes[(8 + length + 8)..<(8 + length + 12)].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian }
        #expect(Float(bitPattern: firstKernelValue) == 0.5)
    }

    @Test func modelFileChoosesTheReaderByContent() throws {
        let native = try NativeFixtures.temporaryFile("renamed.bin")
        try NativeFile.write(NativeFixtures.tinyGraph, to: native)
        #expect(ModelFile.kind(of: native) == .native)
        #expect(try ModelFile.load(path: native).nodes.count == 2)
        #expect(ModelFile.kind(of: NativeFixtures.path("MNIST1D.h5")) == .keras)
        #expect(ModelFile.kind(of: NativeFixtures.path("zoo/mlp.keras")) == .keras)
        #expect(try ModelFile.load(path: NativeFixtures.path("zoo/mlp.keras")).source.format == "keras")
    }

    /// Every op and activation kind of the catalogue, attributes away from their defaults, survives JSON.
    @Test(arguments: OpExamples.all)
    func opRecordsRoundTrip(_ example: OpExamples.Example) throws {
        let json = try JSONEncoder().encode(OpRecord(example.op))
        #expect(try JSONDecoder().decode(OpRecord.self, from: json).op() == example.op)
    }
}
