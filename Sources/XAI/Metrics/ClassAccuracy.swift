import KerasLensGraph

/// Accuracy overall and per class, from predicted scores and true labels.
public struct ClassAccuracy: Sendable, Equatable {
    /// Samples per true class.
    public var support: [Int]
    /// Correctly predicted samples per true class.
    public var correct: [Int]

    public var total: Int { support.reduce(0, +) }
    public var accuracy: Double { total == 0 ? 0 : Double(correct.reduce(0, +)) / Double(total) }

    /// The fraction of class `k`'s samples predicted as `k` (0 for a class with no samples).
    public func accuracy(ofClass k: Int) -> Double {
        support[k] == 0 ? 0 : Double(correct[k]) / Double(support[k])
    }

    public init(predicted: [Int], labels: [Int], classes: Int) {
        support = Array(repeating: 0, count: classes)
        correct = Array(repeating: 0, count: classes)
        for (prediction, label) in zip(predicted, labels) where label >= 0 && label < classes {
            support[label] += 1
            if prediction == label { correct[label] += 1 }
        }
    }
}

public enum Labels {
    /// The index of the largest score of each row of a batch-first tensor (ties go to the first).
    public static func argmax(_ scores: Tensor) -> [Int] {
        let width = scores.shape.dropFirst().reduce(1, *)
        guard width > 0 else { return [] }
        return stride(from: 0, to: scores.count, by: width).map { start in
            var best = start
            for i in start..<(start + width) where scores.scalars[i] > scores.scalars[best] { best = i }
            return best - start
        }
    }

    /// Integer class ids from a label tensor of ids (N) or one-hot rows (N, C); nil if it is neither.
    public static func classIDs(_ labels: Tensor) -> [Int]? {
        if labels.rank == 2 { return argmax(labels) }
        guard labels.rank == 1, labels.scalars.allSatisfy({ $0 >= 0 && $0 == $0.rounded() }) else { return nil }
        return labels.scalars.map { Int($0) }
    }
}
