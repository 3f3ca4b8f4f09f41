import Foundation
import KerasLensGraph
import KerasLensRuntime
import Testing

/// `Fixtures/xai/manifest.json`, written by `Fixtures/generate_xai.py`: TensorFlow gradients and Keras ablations
/// (the `maps` section is the XAI tests' business and is not decoded here). Paths resolve as in `FixtureManifest`.
struct XAIManifest: Decodable {
    struct Layer: Decodable, Sendable {
        var file: String
        /// The stored gradient is `g[:, rows][:, :, cols]` of the full one.
        var rows: [Int]?
        var cols: [Int]?
        /// Set for model inputs: the position of the input (its gradient is asked by the graph's input name).
        var input: Int?
    }

    struct GradientCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var model: String
        var inputs: [String]
        var samples: Int
        var target: String
        var classes: [Int]?
        var scores: String
        var chosen: String
        var layers: [String: Layer]
        var testDescription: String { name }
    }

    struct AblationCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var model: String
        var inputs: [String]
        var samples: Int
        var layer: String
        var mode: String
        var zero_bias: Bool
        var target: String
        var channels: [Int]?
        var chosen: String
        var scores: String
        var expected: String
        var testDescription: String { name }
    }

    var gradients: [GradientCase]
    var ablations: [AblationCase]

    static let shared: XAIManifest = {
        let url = FixtureManifest.fixtures.appendingPathComponent("xai/manifest.json")
        do {
            return try JSONDecoder().decode(XAIManifest.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()

    static func available(_ model: String) -> Bool { FileManager.default.fileExists(atPath: FixtureManifest.path(model)) }

    /// Cases whose model file is here (course files need `../shared` beside the checkout; the others are skipped).
    static var availableGradients: [GradientCase] { shared.gradients.filter { available($0.model) } }
    static var availableAblations: [AblationCase] { shared.ablations.filter { available($0.model) } }

    /// The leading `samples` of each input file.
    static func inputs(_ files: [String], samples: Int) throws -> [Tensor] {
        try files.map { try FixtureManifest.array($0).leading(samples) }
    }

    /// An int32 `.npy` of class ids.
    static func classes(_ file: String) throws -> [Int] { try FixtureManifest.array(file).scalars.map { Int($0) } }

    static func target(_ name: String) throws -> ScoreTarget { try #require(ScoreTarget(rawValue: name), "target \(name)") }
}

/// How far `actual` is from `expected`: the largest absolute error, the largest relative error over elements with
/// `|expected| > atol`, and the largest `|a − e| / (atol + rtol·|e|)` (at most 1 when within tolerance).
struct ErrorSummary: CustomStringConvertible {
    var maxAbs: Float = 0
    var maxRel: Float = 0
    var worstRatio: Float = 0

    init(_ actual: Tensor, _ expected: Tensor, atol: Float, rtol: Float) {
        for (a, e) in zip(actual.scalars, expected.scalars) {
            let error = abs(a - e)
            maxAbs = max(maxAbs, error.isNaN ? .infinity : error)
            if abs(e) > atol { maxRel = max(maxRel, error / abs(e)) }
            worstRatio = max(worstRatio, error / (atol + rtol * abs(e)))
        }
    }

    var description: String {
        "max abs \(maxAbs.formatted(.number.precision(.significantDigits(3)))), "
            + "max rel \(maxRel.formatted(.number.precision(.significantDigits(3)))), "
            + "tolerance used \(worstRatio.formatted(.number.precision(.significantDigits(3))))"
    }
}
