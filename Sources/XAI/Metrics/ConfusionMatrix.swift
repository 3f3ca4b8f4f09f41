/// Counts of (true class, predicted class) pairs, as `sklearn.metrics.confusion_matrix(y_true, y_pred,
/// labels=range(classes))`: rows are true classes, columns predicted ones.
public struct ConfusionMatrix: Sendable, Equatable {
    /// `counts[t][p]`: samples of true class `t` predicted as `p`.
    public var counts: [[Int]]

    public var classes: Int { counts.count }

    /// Samples whose label or prediction lies outside `0..<classes` are left out, as `ClassAccuracy` and
    /// scikit-learn (given `labels`) do, so a stray id cannot shift the other classes' counts.
    public init(predicted: [Int], labels: [Int], classes: Int) {
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        for (prediction, label) in zip(predicted, labels)
        where (0..<classes).contains(label) && (0..<classes).contains(prediction) {
            counts[label][prediction] += 1
        }
    }

    /// Samples per true class (row sums): the report's support.
    public var support: [Int] { counts.map { $0.reduce(0, +) } }

    /// Samples per predicted class (column sums): precision's denominator.
    public var predictedCounts: [Int] {
        (0..<classes).map { column in counts.reduce(0) { $0 + $1[column] } }
    }

    /// Each row divided by its sum, as `confusion_matrix(normalize='true')`; a class with no samples keeps a row of
    /// zeros (scikit-learn turns its 0/0 NaNs into 0), so a heatmap of it stays blank rather than undefined.
    public var normalized: [[Double]] {
        counts.map { row in
            let total = row.reduce(0, +)
            return row.map { total == 0 ? 0 : Double($0) / Double(total) }
        }
    }
}
