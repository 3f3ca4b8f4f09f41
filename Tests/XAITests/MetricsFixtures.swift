import Foundation
import KerasLensGraph
import KerasLensXAI

/// One case of `Fixtures/metrics/`, written by `Fixtures/generate_metrics.py`: scikit-learn's classification metrics
/// for a score array and its labels.
struct MetricsCase: Decodable, Sendable {
    struct Curve: Decodable, Sendable {
        var fpr: [Double]
        var tpr: [Double]
        var thresholds: [Double]
        var auc: Double
    }

    struct Row: Decodable, Sendable {
        var precision: Double
        var recall: Double
        var f1: Double
        var support: Double

        enum CodingKeys: String, CodingKey {
            case precision, recall, support
            case f1 = "f1-score"
        }
    }

    /// `classification_report(output_dict=True)`: a row per target name and average, and `accuracy` as a number.
    struct Report: Decodable, Sendable {
        var rows: [String: Row]
        var accuracy: Double

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            accuracy = try container.decode(Double.self, forKey: Key(stringValue: "accuracy"))
            rows = try Dictionary(uniqueKeysWithValues: container.allKeys.filter { $0.stringValue != "accuracy" }
                .map { ($0.stringValue, try container.decode(Row.self, forKey: $0)) })
        }
    }

    var name: String
    var scores: String
    var labels: String
    var target_names: [String]
    var predicted: [Int]
    var confusion_matrix: [[Int]]
    var confusion_matrix_normalized: [[Double]]
    var roc: [Curve]
    var roc_auc_macro: Double
    var report: Report
    var report_text: String

    static let names = ["mnist1d_fixture", "course_MNIST1D", "synthetic_ties", "synthetic_empty_class"]

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load(_ name: String) throws -> MetricsCase {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let url = fixtures.appendingPathComponent("metrics/\(name).json")
        return try decoder.decode(MetricsCase.self, from: Data(contentsOf: url))
    }

    func scoreTensor() throws -> Tensor { try NumPyFile.read(path: Self.fixtures.appendingPathComponent(scores).path) }

    func labelIDs() throws -> [Int] {
        try NumPyFile.read(path: Self.fixtures.appendingPathComponent(labels).path).scalars.map { Int($0) }
    }
}
