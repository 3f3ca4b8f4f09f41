import Foundation
import KerasLensGraph
import Testing

/// `Fixtures/manifest.json`, written by `Fixtures/generate.py`: the models and Keras's recorded answers.
struct FixtureManifest: Decodable {
    struct Model: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        var keras: Int
        var inputs: [String]
        var output: String?
        var outputs: [String]?
        var layer_samples: Int?
        var layers: [String: LayerRecord]?
        var params: Int
        var summary: [SummaryRow]?
        var accuracy: Double?
        var labels: String?
        /// tf-keras's first output with one output channel of a layer's kernel zeroed (shared layers).
        var weight_ablation: WeightAblation?

        var expectedOutputs: [String] { outputs ?? output.map { [$0] } ?? [] }
        var testDescription: String { name }
    }

    struct WeightAblation: Decodable, Sendable {
        var layer: String
        var channel: Int
        var output: String
    }

    struct LayerRecord: Decodable, Sendable {
        var file: String
        var rows: [Int]?
        var cols: [Int]?
    }

    struct SummaryRow: Decodable, Sendable {
        var name: String
        var `class`: String
        var output_shape: [Int?]?
        /// The class of the model a TimeDistributed wraps (KerasLens inlines its layers, as it does a nested model's).
        var wrapped_model: String?
        var params: Int
    }

    struct Refusal: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var layer: String?
        var `class`: String?
        var reason: String?
        var testDescription: String { file }
    }

    var models: [Model]
    var refuse: [Refusal]?

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Fixtures")
    static let sharedModels = root.deletingLastPathComponent().appendingPathComponent("shared/models")

    static let shared: FixtureManifest = {
        let url = fixtures.appendingPathComponent("manifest.json")
        do {
            return try JSONDecoder().decode(FixtureManifest.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()

    /// Resolves a manifest path: `shared:NAME` is a course file in `../shared/models`, anything else is under Fixtures.
    static func path(_ file: String) -> String {
        if file.hasPrefix("shared:") { return sharedModels.appendingPathComponent(String(file.dropFirst(7))).path }
        return fixtures.appendingPathComponent(file).path
    }

    /// Models whose file is here (course files need `../shared` beside the checkout).
    static var availableModels: [Model] {
        shared.models.filter { FileManager.default.fileExists(atPath: path($0.file)) }
    }

    static func array(_ file: String) throws -> Tensor { try NumPyFile.read(path: path(file)) }
}
