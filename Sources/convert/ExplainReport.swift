import Foundation
import KerasLens

/// What `explain` prints: a line per sample, or the stable JSON shape
/// `{"method", "layer", "target", "seconds", "output", "figures", "samples": [{"index", "class", "score",
/// "top_features"?, "coefficients"?, "intercept"?}]}`.
struct ExplainReport: Encodable {
    struct Sample: Encodable {
        var index: Int
        var `class`: Int
        var score: Float
        var top_features: [Int]?
        var coefficients: [Double]?
        var intercept: Double?
    }

    var method: String
    var layer: String?
    var target: String
    var seconds: Double
    var output: String?
    var figures: [String]
    var samples: [Sample]

    /// Each sample of `explanation`, numbered from `firstIndex` (its first sample's position in the whole input).
    static func samples(of explanation: Explanation, firstIndex: Int) -> [Sample] {
        explanation.classes.indices.map { index in
            let surrogate = explanation.surrogates?[index]
            return Sample(index: firstIndex + index, class: explanation.classes[index], score: explanation.scores[index],
                          top_features: surrogate?.topFeatures, coefficients: surrogate?.coefficients, intercept: surrogate?.intercept)
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func text() -> String {
        var lines = samples.map { sample in
            var line = "\(sample.index)\tclass \(sample.class)\tscore \(String(format: "%.6f", sample.score))"
            if let top = sample.top_features { line += "\ttop segments \(top.map(String.init).joined(separator: ","))" }
            return line
        }
        let where_ = layer.map { " at \($0)" } ?? ""
        lines.append(String(format: "%@%@: %d samples in %.1f ms", method, where_, samples.count, seconds * 1e3))
        if let output { lines.append("wrote \(output)") }
        if !figures.isEmpty { lines.append("wrote \(figures.count) figures") }
        return lines.joined(separator: "\n")
    }
}
