import Foundation
import KerasLensGraph
import Testing

/// `Fixtures/xai_support/manifest.json`, written by `Fixtures/generate_xai_support.py`: scipy's and scikit-image's
/// answers for the explainers' numerical building blocks.
struct SupportFixtures: Decodable {
    struct ResamplingCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var shape: [Int]
        var size: [Int]
        var method: String
        var reference: String
        var expected: String
        var testDescription: String { name }
    }

    struct OtsuCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var threshold: Double
        var testDescription: String { name }
    }

    struct LabCase: Decodable, Sendable {
        var rgb: String
        var expected: String
    }

    struct QuickshiftCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var image: String
        var height: Int
        var width: Int
        var channels: Int
        var kernel_size: Double
        var max_dist: Double
        var ratio: Double
        var labels: String
        var segments: Int
        var segments_other_seeds: [Int]
        var seed_agreement_min: Double
        var testDescription: String { name }
    }

    var resampling: [ResamplingCase]
    var otsu: [OtsuCase]
    var lab: LabCase
    var quickshift: [QuickshiftCase]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/xai_support")

    static let shared: SupportFixtures = {
        let url = folder.appendingPathComponent("manifest.json")
        do {
            return try JSONDecoder().decode(SupportFixtures.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()

    static func array(_ file: String) throws -> Tensor { try NumPyFile.read(path: folder.appendingPathComponent(file).path) }
}
