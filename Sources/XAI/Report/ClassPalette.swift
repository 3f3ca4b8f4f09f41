import Foundation

/// One colour per class, shared by the ROC curves and the accuracy bars so a class looks the same in both.
enum ClassPalette {
    /// Matplotlib's `tab10`, the colours readers of the course's plots already associate with classes 0–9.
    private static let tab10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// Beyond ten classes, hues evenly spaced around the wheel keep every class distinct.
    static func color(_ k: Int, of classes: Int) -> String {
        if classes <= tab10.count { return tab10[k] }
        return String(format: "hsl(%.0f, 62%%, 46%%)", Double(k) * 360 / Double(classes))
    }
}
