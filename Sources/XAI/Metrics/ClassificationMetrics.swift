import KerasLensGraph

/// Every classification statistic of a model on a labelled set, computed once from its scores: what `keraslens
/// evaluate` prints and the HTML report draws. Each piece equals scikit-learn's (see the member types).
public struct ClassificationMetrics: Sendable, Equatable {
    /// The true class of each sample.
    public var labels: [Int]
    /// The predicted class of each sample: the first largest score (`numpy.argmax`).
    public var predicted: [Int]
    /// Overall and class-wise accuracy.
    public var accuracy: ClassAccuracy
    public var confusion: ConfusionMatrix
    /// Per-class precision, recall, F1 and support with their averages.
    public var report: ClassificationReport
    /// One-vs-rest ROC curve of each class, from its score column.
    public var roc: [ROCCurve]

    public var classes: Int { confusion.classes }
    /// The area under each class's ROC curve (NaN for a class without samples).
    public var areas: [Double] { roc.map(\.area) }
    /// `roc_auc_score(multi_class='ovr', average='macro')`, for comparison with papers that quote one number.
    public var macroAverageArea: Double { ROCCurve.macroAverageArea(roc) }

    /// `scores` is shaped (N, C), probabilities or any other per-class scores; `labels` holds N class ids in
    /// `0..<C` (`Labels.classIDs` reads them from ids or one-hot rows). Checked here, not skipped, because a label
    /// out of range or a NaN score would otherwise change the numbers without a word.
    public init(scores: Tensor, labels: [Int]) throws(ClassificationMetricsError) {
        guard scores.rank == 2, scores.shape[0] > 0, scores.shape[1] > 0 else {
            throw ClassificationMetricsError("the scores must be shaped (samples, classes), got \(scores.shape)")
        }
        let classes = scores.shape[1]
        guard labels.count == scores.shape[0] else {
            throw ClassificationMetricsError("there are \(labels.count) labels for \(scores.shape[0]) scored samples")
        }
        if let i = labels.firstIndex(where: { !(0..<classes).contains($0) }) {
            throw ClassificationMetricsError("label \(labels[i]) of sample \(i) is not a class id in 0..<\(classes)")
        }
        if let i = scores.scalars.firstIndex(where: { !$0.isFinite }) {
            throw ClassificationMetricsError(
                "the score of sample \(i / classes), class \(i % classes) is not finite (\(scores.scalars[i]))")
        }
        self.labels = labels
        predicted = Labels.argmax(scores)
        accuracy = ClassAccuracy(predicted: predicted, labels: labels, classes: classes)
        confusion = ConfusionMatrix(predicted: predicted, labels: labels, classes: classes)
        report = ClassificationReport(confusion: confusion)
        roc = ROCCurve.oneVsRest(scores: scores, labels: labels)
    }
}
