import Foundation

extension ClassificationReport {
    /// The report as the text `classification_report(y_true, y_pred, target_names=names, digits=digits)` prints,
    /// character for character, so it can be diffed against the course's notebooks: names right-aligned to the
    /// longest of them (at least "weighted avg"), 9-wide columns, a blank line after the header and after the class
    /// rows, and an accuracy row with only the F1 column and the support filled in.
    public func text(targetNames names: [String], digits: Int = 4) -> String {
        precondition(names.count == classes.count, "one target name per class")
        // Python pads by code points; Swift's `count` would count grapheme clusters.
        let width = max(names.map(\.unicodeScalars.count).max() ?? 0, "weighted avg".count, digits)
        func padded(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.unicodeScalars.count)) + text
        }
        func number(_ value: Double) -> String { " " + padded(String(format: "%.\(digits)f", value), 9) }
        func row(_ name: String, _ scores: Scores) -> String {
            padded(name, width) + " " + number(scores.precision) + number(scores.recall) + number(scores.f1)
                + " " + padded(String(scores.support), 9) + "\n"
        }
        let header = ["precision", "recall", "f1-score", "support"].map { " " + padded($0, 9) }.joined()
        let emptyColumn = " " + padded("", 9)
        var text = padded("", width) + " " + header + "\n\n"
        for (name, scores) in zip(names, classes) { text += row(name, scores) }
        text += "\n"
        text += padded("accuracy", width) + " " + emptyColumn + emptyColumn + number(accuracy)
            + " " + padded(String(macroAverage.support), 9) + "\n"
        text += row("macro avg", macroAverage) + row("weighted avg", weightedAverage)
        return text
    }
}
