import Foundation
import KerasLensGraph
import Testing

/// The `maps` section of `Fixtures/xai/manifest.json`, written by `Fixtures/generate_xai.py`: the Python reference's
/// maps for every method (docs/METHODS.md), with the random draws it used.
struct MethodFixtures: Decodable {
    /// A number, string or flag from a case's `options`.
    enum Value: Decodable, Sendable {
        case number(Double), text(String), flag(Bool)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else { self = .text(try container.decode(String.self)) }
        }
        var number: Double? { if case .number(let n) = self { return n } else { return nil } }
        var text: String? { if case .text(let t) = self { return t } else { return nil } }
        var flag: Bool? { if case .flag(let f) = self { return f } else { return nil } }
    }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var model: String
        var inputs: [String]
        var samples: Int
        var method: String
        var layer: String?
        var layers: [String]?
        var target: String
        var classes: [Int]?
        var chosen: String
        var upsample: String?
        var options: [String: Value]
        var masks: String?
        var noise: String?
        var perturbations: String?
        var segments: String?
        var expected: String
        var extras: [String: String]
        var testDescription: String { name }
    }

    var maps: [Case]

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let shared: MethodFixtures = {
        let url = fixtures.appendingPathComponent("xai/manifest.json")
        do {
            return try JSONDecoder().decode(MethodFixtures.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()

    /// `shared:NAME` is a course file in `../shared/models`; anything else is under Fixtures.
    static func path(_ file: String) -> String {
        if file.hasPrefix("shared:") {
            return fixtures.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("shared/models/\(file.dropFirst(7))").path
        }
        return fixtures.appendingPathComponent(file).path
    }

    /// Cases whose model file is here (course files need `../shared` beside the checkout).
    static var available: [Case] { shared.maps.filter { FileManager.default.fileExists(atPath: path($0.model)) } }

    static func array(_ file: String) throws -> Tensor { try NumPyFile.read(path: path(file)) }
}
