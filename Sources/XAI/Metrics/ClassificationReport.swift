/// Precision, recall, F1 and support per class with their averages, as scikit-learn's `classification_report`
/// (`precision_recall_fscore_support` with `labels=range(C)` and the default `zero_division`): a ratio with a zero
/// denominator is 0, where scikit-learn gives 0 with a warning.
public struct ClassificationReport: Sendable, Equatable {
    public struct Scores: Sendable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// True samples counted (for an average row: all of them).
        public var support: Int

        public init(precision: Double, recall: Double, f1: Double, support: Int) {
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
        }
    }

    /// One row per class, in class order.
    public var classes: [Scores]
    /// Correct predictions over all samples (scikit-learn's micro average, which equals accuracy here).
    public var accuracy: Double
    /// The plain mean over classes, so rare classes count as much as common ones.
    public var macroAverage: Scores
    /// The mean over classes weighted by support.
    public var weightedAverage: Scores

    public init(confusion: ConfusionMatrix) {
        let support = confusion.support
        let predicted = confusion.predictedCounts
        classes = (0..<confusion.classes).map { k in
            let hits = confusion.counts[k][k]
            // F1 from counts, 2·tp / (true + predicted), as scikit-learn computes it (not from rounded ratios).
            return Scores(precision: Self.ratio(hits, predicted[k]), recall: Self.ratio(hits, support[k]),
                          f1: Self.ratio(2 * hits, support[k] + predicted[k]), support: support[k])
        }
        let total = support.reduce(0, +)
        accuracy = Self.ratio((0..<confusion.classes).reduce(0) { $0 + confusion.counts[$1][$1] }, total)
        macroAverage = Self.average(classes, weights: classes.map { _ in 1 }, support: total)
        weightedAverage = Self.average(classes, weights: support, support: total)
    }

    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }

    /// `numpy.average(values, weights=weights)`: Σ wᵢ·vᵢ / Σ wᵢ (0 when the weights sum to 0).
    private static func average(_ rows: [Scores], weights: [Int], support: Int) -> Scores {
        let weightSum = Double(weights.reduce(0, +))
        func mean(_ value: (Scores) -> Double) -> Double {
            weightSum == 0 ? 0 : zip(rows, weights).reduce(0) { $0 + value($1.0) * Double($1.1) } / weightSum
        }
        return Scores(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: support)
    }
}
