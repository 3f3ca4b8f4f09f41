import Foundation
import KerasLens

/// One method's scores in an evaluation.
struct MethodResult {
    var method: ExplanationMethod
    var layer: String?
    var metrics: ExplanationScores
    var seconds: Double
}

/// What `evaluate` prints. The JSON shape is stable (README): `accuracy`, `class_accuracy`, `confusion_matrix`,
/// `confusion_matrix_normalized`, `auc`, `report` (per class name and `macro avg` / `weighted avg`: `precision`,
/// `recall`, `f1`, `support`; `accuracy`) — all absent without labels — and `explanations`, keyed by method:
/// `drop_rate`, `increase_rate`, `average_drop`, `increase_in_confidence`, `win_rate`, `deletion_auc`,
/// `insertion_auc` (fractions, not percent; the AUCs null with `--no-curves`), `samples`, `layer`, `frac`, `seconds`.
struct EvaluationResult {
    var datasetName: String
    var classNames: [String]
    var classification: ClassificationMetrics?
    var methods: [MethodResult]

    var winRates: [Double] { ConfidenceChange.winRates(methods.map(\.metrics.confidence)) }

    /// Table I's rows, for the report.
    var tableRows: [ExplanationMetricsRow] {
        zip(methods, winRates).map { result, win in
            let m = result.metrics
            return ExplanationMetricsRow(method: result.method.rawValue, dataset: datasetName, layer: result.layer, frac: m.frac,
                                         samples: m.samples, dropRate: m.dropIncrease.dropRate, increaseRate: m.dropIncrease.increaseRate,
                                         averageDrop: m.confidence.averageDrop, increaseInConfidence: m.confidence.increaseInConfidence,
                                         winRate: methods.count > 1 ? win : nil, deletionAUC: m.curves?.deletionAUC,
                                         insertionAUC: m.curves?.insertionAUC, seconds: result.seconds)
        }
    }

    func text() -> String {
        var sections: [String] = []
        if let classification {
            sections.append(accuracyTable(classification.accuracy, names: classNames))
            sections.append(classification.report.text(targetNames: classNames))
            sections.append("ROC AUC (one-vs-rest): " + classification.areas.enumerated().map { k, area in
                "\(k < classNames.count ? classNames[k] : String(k)) \(String(format: "%.4f", area))"
            }.joined(separator: ", ") + String(format: "; macro %.4f", classification.macroAverageArea))
        }
        if !methods.isEmpty { sections.append(table()) }
        return sections.joined(separator: "\n\n")
    }

    /// The course's Table I: rows method × dataset, rates in percent.
    private func table() -> String {
        let header = ["method", "dataset", "drop %", "increase %", "avg drop %", "inc. conf. %", "win %", "deletion", "insertion", "time s"]
        var rows = [header]
        for (result, win) in zip(methods, winRates) {
            let m = result.metrics
            rows.append([result.method.rawValue, datasetName,
                         String(format: "%.2f", m.dropIncrease.dropRate * 100), String(format: "%.2f", m.dropIncrease.increaseRate * 100),
                         String(format: "%.2f", m.confidence.averageDrop * 100), String(format: "%.2f", m.confidence.increaseInConfidence * 100),
                         methods.count > 1 ? String(format: "%.2f", win * 100) : "-",
                         m.curves.map { String(format: "%.4f", $0.deletionAUC) } ?? "-",
                         m.curves.map { String(format: "%.4f", $0.insertionAUC) } ?? "-",
                         String(format: "%.2f", result.seconds)])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        let first = methods.first?.metrics
        let title = "Table I: explanation metrics on \(first?.samples ?? 0) samples of \(datasetName), frac \(first?.frac ?? 0)"
            + (methods.first?.layer.map { ", CAM layer \($0)" } ?? "")
        return ([title] + rows.map { row in
            zip(row, widths).enumerated().map { column, cell in
                column < 2 ? cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: cell.1 - cell.0.count) + cell.0
            }.joined(separator: "  ")
        }).joined(separator: "\n")
    }

    func json() throws -> String {
        var object: [String: Any] = [:]
        if let c = classification {
            object["accuracy"] = c.accuracy.accuracy
            object["class_accuracy"] = c.accuracy.support.indices.map { c.accuracy.accuracy(ofClass: $0) }
            object["confusion_matrix"] = c.confusion.counts
            object["confusion_matrix_normalized"] = c.confusion.normalized.map { $0.map(finite) }
            object["auc"] = c.areas.map(finite)
            object["auc_macro"] = finite(c.macroAverageArea)
            var report: [String: Any] = ["accuracy": c.report.accuracy]
            func scores(_ s: ClassificationReport.Scores) -> [String: Any] {
                ["precision": s.precision, "recall": s.recall, "f1": s.f1, "support": s.support]
            }
            for (k, s) in c.report.classes.enumerated() { report[k < classNames.count ? classNames[k] : String(k)] = scores(s) }
            report["macro avg"] = scores(c.report.macroAverage)
            report["weighted avg"] = scores(c.report.weightedAverage)
            object["report"] = report
        }
        var explanations: [String: Any] = [:]
        for (result, win) in zip(methods, winRates) {
            let m = result.metrics
            explanations[result.method.rawValue] = [
                "drop_rate": m.dropIncrease.dropRate, "increase_rate": m.dropIncrease.increaseRate,
                "average_drop": m.confidence.averageDrop, "increase_in_confidence": m.confidence.increaseInConfidence,
                "win_rate": win, "deletion_auc": m.curves?.deletionAUC ?? NSNull(), "insertion_auc": m.curves?.insertionAUC ?? NSNull(),
                "samples": m.samples, "layer": result.layer ?? NSNull(), "frac": m.frac, "seconds": result.seconds,
            ] as [String: Any]
        }
        object["explanations"] = explanations
        object["dataset"] = datasetName
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// JSON has no NaN: undefined values (an AUC of a class with no samples) are null.
    private func finite(_ value: Double) -> Any { value.isFinite ? value : NSNull() }
}
