import Foundation
import KerasLens

/// Accuracy overall and per class, as `predict --labels` and `evaluate` print it.
func accuracyTable(_ accuracy: ClassAccuracy, names: [String] = []) -> String {
    var lines = [String(format: "accuracy: %.4f (%d of %d)", accuracy.accuracy, accuracy.correct.reduce(0, +), accuracy.total),
                 "class  support  correct  accuracy"]
    for k in accuracy.support.indices {
        let name = k < names.count ? names[k] : String(k)
        lines.append(String(repeating: " ", count: max(0, 5 - name.count)) + name
            + String(format: "  %7d  %7d  %8.4f", accuracy.support[k], accuracy.correct[k], accuracy.accuracy(ofClass: k)))
    }
    return lines.joined(separator: "\n")
}
