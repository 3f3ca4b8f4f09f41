import Foundation
@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import KerasLensH5Reader
import TestSupport

/// The model files of `Fixtures/manifest.json` (the zoo, both fixture models, and the course files when
/// `../shared/models` is beside the checkout), for tests that only need to open them.
enum NativeFixtures {
    struct Model: Decodable, Sendable, CustomStringConvertible {
        var name: String
        var file: String
        var description: String { name }
    }

    private struct Manifest: Decodable { var models: [Model] }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ file: String) -> String {
        if file.hasPrefix("shared:") {
            return root.deletingLastPathComponent().appendingPathComponent("shared/models/\(file.dropFirst(7))").path
        }
        return root.appendingPathComponent("Fixtures/\(file)").path
    }

    /// The zoo's Keras file `name` (e.g. `masking_recurrent.k2.h5`), opened.
    static func zooFile(_ name: String) throws -> KerasFile {
        try KerasFile(path: path("zoo/\(name)"))
    }

    static let models: [Model] = {
        let url = root.appendingPathComponent("Fixtures/manifest.json")
        guard let data = try? Data(contentsOf: url), let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
            fatalError("cannot read \(url.path)")
        }
        return manifest.models.filter { FileManager.default.fileExists(atPath: path($0.file)) }
    }()

    /// A fresh file path in a new temporary folder.
    static func temporaryFile(_ name: String) throws -> String {
        try ScratchFolder.make("graph").appendingPathComponent(name).path
    }

    /// A two-layer graph small enough to reason about byte by byte: `x` (3) → `dense` (2, relu).
    static var tinyGraph: Graph {
        let kernel = Tensor(shape: [3, 2], scalars: [0.5, -1, 2, 0.25, -0.75, 1.5])
        let bias = Tensor(shape: [2], scalars: [0.1, -0.2])
        return Graph(nodes: [Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [3]),
                             Node(name: "dense", kerasClass: "Dense", op: .dense(activation: .relu), inputs: ["x"],
                                  weights: ["kernel": kernel, "bias": bias], outputShape: [2])],
                     inputs: ["x"], outputs: ["dense"], source: GraphSource(format: "h5", kerasVersion: "2.15.0", backend: "tensorflow"))
    }
}
