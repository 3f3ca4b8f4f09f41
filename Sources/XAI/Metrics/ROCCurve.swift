import KerasLensGraph

/// A receiver operating characteristic curve with scikit-learn's `roc_curve(y_true, y_score)` semantics
/// (`drop_intermediate=True`, no sample weights), so its points, thresholds and area are the ones the course's
/// Python reports.
public struct ROCCurve: Sendable, Equatable {
    /// False-positive rates, rising from 0: the share of negatives scored at or above `thresholds[i]`.
    public var falsePositiveRates: [Double]
    /// True-positive rates, rising from 0: the share of positives scored at or above `thresholds[i]`.
    public var truePositiveRates: [Double]
    /// Falling score thresholds; the first is +∞, the point (0, 0) where nothing is called positive.
    public var thresholds: [Double]

    /// Samples with equal scores form one threshold (one step of the curve, diagonal when it mixes positives and
    /// negatives), and thresholds between collinear points are dropped, as they change neither the plot nor the
    /// area. With no negatives every false-positive rate is NaN, with no positives every true-positive rate is
    /// (scikit-learn warns and does the same). Scores must not be NaN.
    public init(positives: [Bool], scores: [Double]) {
        precondition(positives.count == scores.count, "ROCCurve needs one score per label")
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives: [Double] = []
        var falsePositives: [Double] = []
        var cuts: [Double] = []
        var hits = 0
        for (rank, sample) in order.enumerated() {
            if positives[sample] { hits += 1 }
            if rank == order.count - 1 || scores[order[rank + 1]] != scores[sample] {
                truePositives.append(Double(hits))
                falsePositives.append(Double(rank + 1 - hits))
                cuts.append(scores[sample])
            }
        }
        if cuts.count > 2 {
            // Keep the ends and every corner: a point whose second difference is nonzero in either count.
            let kept = cuts.indices.filter { i in
                i == 0 || i == cuts.count - 1
                    || falsePositives[i + 1] - 2 * falsePositives[i] + falsePositives[i - 1] != 0
                    || truePositives[i + 1] - 2 * truePositives[i] + truePositives[i - 1] != 0
            }
            truePositives = kept.map { truePositives[$0] }
            falsePositives = kept.map { falsePositives[$0] }
            cuts = kept.map { cuts[$0] }
        }
        let negatives = falsePositives.last ?? 0
        let positiveCount = truePositives.last ?? 0
        falsePositiveRates = ([0] + falsePositives).map { negatives > 0 ? $0 / negatives : .nan }
        truePositiveRates = ([0] + truePositives).map { positiveCount > 0 ? $0 / positiveCount : .nan }
        thresholds = [.infinity] + cuts
    }

    /// The area by the trapezoid rule, `auc(fpr, tpr)`: NaN for a class with no positives or no negatives.
    public var area: Double {
        AreaUnderCurve.trapezoid(x: falsePositiveRates, y: truePositiveRates) ?? .nan
    }

    /// One curve per class, class `k` against the rest: `roc_curve(labels == k, scores[:, k])`, for scores shaped
    /// (N, C) and N class ids.
    public static func oneVsRest(scores: Tensor, labels: [Int]) -> [ROCCurve] {
        precondition(scores.rank == 2 && scores.shape[0] == labels.count, "oneVsRest needs (N, C) scores and N labels")
        let classes = scores.shape[1]
        return (0..<classes).map { k in
            ROCCurve(positives: labels.map { $0 == k },
                     scores: stride(from: k, to: scores.count, by: classes).map { Double(scores.scalars[$0]) })
        }
    }

    /// The unweighted mean of the curves' areas: `roc_auc_score(y, scores, multi_class='ovr', average='macro',
    /// labels=range(C))`, NaN when a class has no positives (its area is undefined).
    public static func macroAverageArea(_ curves: [ROCCurve]) -> Double {
        curves.isEmpty ? .nan : curves.reduce(0) { $0 + $1.area } / Double(curves.count)
    }
}
