import Foundation
@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import KerasLens
import Testing

/// Broken native files: each is refused with its own problem, naming the file.
@Suite struct NativeFileRefusalTests {
    /// A valid file of the tiny graph (tensors `dense/bias` at [0, 8], `dense/kernel` at [8, 32]).
    func validFile() throws -> (path: String, bytes: [UInt8]) {
        let path = try NativeFixtures.temporaryFile("broken.safetensors")
        try NativeFile.write(NativeFixtures.tinyGraph, to: path)
        return (path, Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// Rewrites the header of a valid file through `edit` (keeping the buffer), and returns the new file's path.
    func withHeader(_ edit: (inout [String: Any]) throws -> Void) throws -> String {
        let (path, bytes) = try validFile()
        let length = Int(bytes[0..<8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        var header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        try edit(&header)
        try write(header: Array(try JSONSerialization.data(withJSONObject: header)), buffer: Array(bytes[(8 + length)...]), to: path)
        return path
    }

    /// Rewrites the graph JSON inside the metadata through `edit`.
    func withGraph(_ edit: @escaping (inout [String: Any]) throws -> Void) throws -> String {
        try withHeader { header in
            var metadata = header["__metadata__"] as! [String: String]
            var graph = try JSONSerialization.jsonObject(with: Data(metadata["keraslens.graph"]!.utf8)) as! [String: Any]
            try edit(&graph)
            metadata["keraslens.graph"] = String(decoding: try JSONSerialization.data(withJSONObject: graph), as: UTF8.self)
            header["__metadata__"] = metadata
        }
    }

    func write(header: [UInt8], buffer: [UInt8], to path: String) throws {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        try Data(bytes + header + buffer).write(to: URL(fileURLWithPath: path))
    }

    func expectRefusal(_ path: String, _ problem: NativeFileProblem, layer: String? = nil) {
        do {
            _ = try NativeFile.read(path: path)
            Issue.record("\(path) was read, expected \(problem)")
        } catch {
            #expect(error.kind == .nativeFile(problem))
            #expect(error.file == path)
            #expect(error.layer == layer)
            #expect(error.description.contains(path))
        }
    }

    func setOffsets(_ tensor: String, _ offsets: [Int]) -> (inout [String: Any]) -> Void {
        { header in
            var entry = header[tensor] as! [String: Any]
            entry["data_offsets"] = offsets
            header[tensor] = entry
        }
    }

    @Test func newerFormatVersion() throws {
        let path = try withHeader { header in
            var metadata = header["__metadata__"] as! [String: String]
            metadata["format_version"] = "2"
            header["__metadata__"] = metadata
        }
        expectRefusal(path, .newerVersion(found: 2, supported: 1))
    }

    @Test func truncatedBuffer() throws {
        let (path, bytes) = try validFile()
        try Data(bytes.dropLast(6)).write(to: URL(fileURLWithPath: path))
        expectRefusal(path, .truncated(neededBytes: 32, availableBytes: 26))
    }

    @Test func overlappingOffsets() throws {
        expectRefusal(try withHeader(setOffsets("dense/bias", [12, 20])), .overlappingOffsets(first: "dense/kernel", second: "dense/bias"))
    }

    @Test func offsetsOutsideTheFile() throws {
        expectRefusal(try withHeader(setOffsets("dense/bias", [1000, 1008])),
                      .offsetsOutsideFile(tensor: "dense/bias", begin: 1000, end: 1008, bufferSize: 32))
    }

    @Test func offsetsThatDoNotFitTheShape() throws {
        expectRefusal(try withHeader(setOffsets("dense/bias", [0, 4])),
                      .sizeMismatch(tensor: "dense/bias", shape: [2], begin: 0, end: 4))
    }

    @Test func bytesNoTensorCovers() throws {
        let (path, bytes) = try validFile()
        try Data(bytes + [0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
        expectRefusal(path, .unindexedBytes(begin: 32, end: 36))
    }

    @Test func headerThatIsNotJSON() throws {
        let (path, _) = try validFile()
        try write(header: Array("{not json at all".utf8), buffer: [], to: path)
        let error = #expect(throws: GraphError.self) { try NativeFile.read(path: path) }
        guard case .nativeFile(.headerNotJSON) = error?.kind else {
            Issue.record("expected headerNotJSON, got \(String(describing: error))")
            return
        }
        #expect(error?.file == path)
    }

    @Test func headerLengthLargerThanTheFile() throws {
        let (path, bytes) = try validFile()
        var broken = bytes
        withUnsafeBytes(of: UInt64(bytes.count + 100).littleEndian) { broken.replaceSubrange(0..<8, with: $0) }
        try Data(broken).write(to: URL(fileURLWithPath: path))
        expectRefusal(path, .headerLengthBeyondFile(headerLength: UInt64(bytes.count + 100), fileSize: bytes.count))
    }

    @Test func fileShorterThanTheHeaderLength() throws {
        let (path, _) = try validFile()
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        expectRefusal(path, .tooShort(fileSize: 3))
    }

    @Test func unknownOp() throws {
        let path = try withGraph { graph in
            var nodes = graph["nodes"] as! [[String: Any]]
            nodes[1]["op"] = ["type": "lstm", "units": 4]
            graph["nodes"] = nodes
        }
        expectRefusal(path, .unknownOp("lstm"), layer: "dense")
    }

    /// `weights_from` must name the first call of the same layer, with the same tensors.
    @Test func weightsFromANodeThatIsNotTheFirstCall() throws {
        let path = try withGraph { graph in
            var nodes = graph["nodes"] as! [[String: Any]]
            nodes[1]["weights_from"] = "x"
            graph["nodes"] = nodes
        }
        expectRefusal(path, .invalidGraph(reason: "node 'dense' takes its weights from 'x', which is not a first call of the same layer with the same weights"))
    }

    @Test func unknownActivation() throws {
        let path = try withGraph { graph in
            var nodes = graph["nodes"] as! [[String: Any]]
            nodes[1]["op"] = ["type": "dense", "activation": ["type": "snake"]]
            graph["nodes"] = nodes
        }
        expectRefusal(path, .unknownActivation("snake"), layer: "dense")
    }

    @Test func missingAttribute() throws {
        let path = try withGraph { graph in
            var nodes = graph["nodes"] as! [[String: Any]]
            nodes[1]["op"] = ["type": "dense"]
            graph["nodes"] = nodes
        }
        expectRefusal(path, .badAttribute(op: "dense", attribute: "activation"), layer: "dense")
    }

    @Test func missingTensor() throws {
        let path = try withGraph { graph in
            var nodes = graph["nodes"] as! [[String: Any]]
            nodes[1]["weights"] = ["kernel": "dense/kernel", "bias": "dense/gone"]
            graph["nodes"] = nodes
        }
        expectRefusal(path, .missingTensor("dense/gone"), layer: "dense")
    }

    @Test func otherDTypes() throws {
        let path = try withHeader { header in
            var entry = header["dense/bias"] as! [String: Any]
            entry["dtype"] = "F64"
            header["dense/bias"] = entry
        }
        expectRefusal(path, .unsupportedDType(tensor: "dense/bias", dtype: "F64"))
    }

    @Test func safetensorsFromAnotherTool() throws {
        let path = try withHeader { header in header["__metadata__"] = ["format": "pt"] }
        expectRefusal(path, .notKerasLens(format: "pt"))
    }

    /// A graph whose stored shape disagrees with its weights fails at load, naming the layer.
    @Test func inconsistentShapes() throws {
        let path = try withGraph { graph in
            var nodes = graph["nodes"] as! [[String: Any]]
            nodes[1]["output_shape"] = [5]
            graph["nodes"] = nodes
        }
        let error = #expect(throws: GraphError.self) { try NativeFile.read(path: path) }
        #expect(error?.kind == .shape)
        #expect(error?.layer == "dense")
        #expect(error?.file == path)
    }
}
