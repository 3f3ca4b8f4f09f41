import KerasLensGraph
import Testing
import KerasLensXAI

/// Equal within `tolerance`, with NaN equal to NaN (scikit-learn's undefined rates and areas must stay undefined).
private func close(_ a: Double, _ b: Double, _ tolerance: Double = 0) -> Bool {
    (a.isNaN && b.isNaN) || a == b || abs(a - b) <= tolerance
}

private func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 0) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance) }
}

@Suite struct ClassificationMetricsTests {
    @Test(arguments: MetricsCase.names) func matchesScikitLearn(name: String) throws {
        let expected = try MetricsCase.load(name)
        let metrics = try ClassificationMetrics(scores: expected.scoreTensor(), labels: expected.labelIDs())

        #expect(metrics.predicted == expected.predicted)
        #expect(metrics.confusion.counts == expected.confusion_matrix)
        #expect(metrics.confusion.normalized == expected.confusion_matrix_normalized)

        #expect(metrics.roc.count == expected.roc.count)
        for (k, (curve, reference)) in zip(metrics.roc, expected.roc).enumerated() {
            #expect(close(curve.falsePositiveRates, reference.fpr), "fpr of class \(k)")
            #expect(close(curve.truePositiveRates, reference.tpr), "tpr of class \(k)")
            #expect(close(curve.thresholds, reference.thresholds), "thresholds of class \(k)")
            #expect(close(curve.area, reference.auc, 1e-12), "AUC of class \(k): \(curve.area) vs \(reference.auc)")
        }
        #expect(close(metrics.macroAverageArea, expected.roc_auc_macro, 1e-12))

        let report = metrics.report
        for (k, name) in expected.target_names.enumerated() {
            try expectRow(report.classes[k], expected.report.rows[name], name)
            #expect(close(metrics.accuracy.accuracy(ofClass: k), report.classes[k].recall, 1e-15))
        }
        try expectRow(report.macroAverage, expected.report.rows["macro avg"], "macro avg")
        try expectRow(report.weightedAverage, expected.report.rows["weighted avg"], "weighted avg")
        #expect(close(report.accuracy, expected.report.accuracy, 1e-12))
        #expect(close(metrics.accuracy.accuracy, expected.report.accuracy, 1e-12))
        #expect(report.text(targetNames: expected.target_names, digits: 4) == expected.report_text)
    }

    private func expectRow(_ row: ClassificationReport.Scores, _ reference: MetricsCase.Row?, _ name: String) throws {
        let reference = try #require(reference, "scikit-learn has no row \(name)")
        #expect(close(row.precision, reference.precision, 1e-12), "precision of \(name)")
        #expect(close(row.recall, reference.recall, 1e-12), "recall of \(name)")
        #expect(close(row.f1, reference.f1, 1e-12), "f1 of \(name)")
        #expect(Double(row.support) == reference.support, "support of \(name)")
    }

    /// The example of scikit-learn's `roc_curve` docstring: a tie-free curve with one collinear point kept.
    @Test func docstringExample() {
        let curve = ROCCurve(positives: [false, false, true, true], scores: [0.1, 0.4, 0.35, 0.8])
        #expect(curve.falsePositiveRates == [0, 0, 0.5, 0.5, 1])
        #expect(curve.truePositiveRates == [0, 0.5, 0.5, 1, 1])
        #expect(curve.thresholds == [.infinity, 0.8, 0.4, 0.35, 0.1])
        #expect(curve.area == 0.75)
    }

    @Test func tiedScoresMakeOneDiagonalStep() {
        let curve = ROCCurve(positives: [true, false, true, false], scores: [0.5, 0.5, 0.5, 0.5])
        #expect(curve.falsePositiveRates == [0, 1])
        #expect(curve.truePositiveRates == [0, 1])
        #expect(curve.area == 0.5)
    }

    @Test func trapezoidRefusesWhatScikitLearnRefuses() {
        #expect(AreaUnderCurve.trapezoid(x: [1, 0.5, 0], y: [1, 1, 0]) == 0.75)
        #expect(AreaUnderCurve.trapezoid(x: [0], y: [1]) == nil)
        #expect(AreaUnderCurve.trapezoid(x: [0, 1, 0.5], y: [0, 1, 1]) == nil)
    }

    @Test func refusesLabelsItCannotScore() {
        let scores = Tensor(shape: [2, 2], scalars: [0.2, 0.8, 0.6, 0.4])
        #expect(throws: ClassificationMetricsError.self) { try ClassificationMetrics(scores: scores, labels: [0, 2]) }
        #expect(throws: ClassificationMetricsError.self) { try ClassificationMetrics(scores: scores, labels: [0]) }
        let nan = Tensor(shape: [1, 2], scalars: [.nan, 1])
        #expect(throws: ClassificationMetricsError.self) { try ClassificationMetrics(scores: nan, labels: [0]) }
    }
}
