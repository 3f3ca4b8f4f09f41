/// Class-wise accuracy as horizontal bars against the overall accuracy, so the classes the model gets wrong most
/// often stand out; horizontal because class names of any length fit on the left.
enum AccuracyBars {
    private static let characterWidth = 7.0
    private static let rowHeight = 26.0
    private static let top = 30.0
    private static let width = 612.0

    static func svg(_ metrics: ClassificationMetrics, _ content: ReportContent) -> String {
        let accuracy = metrics.accuracy
        let classes = accuracy.support.count
        let names = (0..<classes).map { HTMLText.shortened(content.className($0), 18) }
        let left = min(150, 16 + characterWidth * Double(names.map(\.count).max() ?? 1))
        let barWidth = width - left - 118
        let bottom = top + rowHeight * Double(classes)
        let height = bottom + 44
        func x(_ fraction: Double) -> String { HTMLText.coordinate(left + fraction * barWidth) }

        var svg = SVGChart.open(width: width, height: height, label: "Class-wise accuracy")
        for tick in stride(from: 0.0, through: 1.0, by: 0.2) {
            svg += "<line class=\"grid\" x1=\"\(x(tick))\" y1=\"\(HTMLText.coordinate(top - 6))\" x2=\"\(x(tick))\" "
                + "y2=\"\(HTMLText.coordinate(bottom))\"/>"
            svg += "<text class=\"tick\" x=\"\(x(tick))\" y=\"\(HTMLText.coordinate(bottom + 16))\" "
                + "text-anchor=\"middle\">\(Int(tick * 100))</text>"
        }
        for k in 0..<classes {
            // A class without samples has no accuracy: no bar and a dash, rather than a 0 % that reads as failure.
            let fraction: Double? = accuracy.support[k] == 0 ? nil : accuracy.accuracy(ofClass: k)
            let rowTop = top + Double(k) * rowHeight
            let middle = HTMLText.coordinate(rowTop + rowHeight / 2)
            svg += "<g><title>\(HTMLText.escape(content.className(k))): \(accuracy.correct[k]) of "
                + "\(accuracy.support[k]) correct</title>"
            svg += "<text class=\"tick\" x=\"\(HTMLText.coordinate(left - 8))\" y=\"\(middle)\" text-anchor=\"end\" "
                + "dominant-baseline=\"central\">\(HTMLText.escape(names[k]))</text>"
            if let fraction {
                svg += "<rect x=\"\(x(0))\" y=\"\(HTMLText.coordinate(rowTop + 4))\" "
                    + "width=\"\(HTMLText.coordinate(fraction * barWidth))\" "
                    + "height=\"\(HTMLText.coordinate(rowHeight - 8))\" rx=\"3\" "
                    + "fill=\"\(ClassPalette.color(k, of: classes))\"/>"
            }
            svg += "<text class=\"bar-value\" x=\"\(HTMLText.coordinate(left + barWidth + 10))\" y=\"\(middle)\" "
                + "dominant-baseline=\"central\">\(HTMLText.percent(fraction))"
                + "<tspan class=\"muted\" dx=\"8\">\(accuracy.correct[k])/\(accuracy.support[k])</tspan></text></g>"
        }
        let overall = x(accuracy.accuracy)
        svg += "<line class=\"reference\" x1=\"\(overall)\" y1=\"\(HTMLText.coordinate(top - 10))\" x2=\"\(overall)\" "
            + "y2=\"\(HTMLText.coordinate(bottom))\"/>"
        svg += "<text class=\"reference-label\" x=\"\(overall)\" y=\"\(HTMLText.coordinate(top - 16))\" "
            + "text-anchor=\"middle\">overall \(HTMLText.percent(accuracy.accuracy))</text>"
        svg += "<text class=\"axis-title\" x=\"\(x(0.5))\" y=\"\(HTMLText.coordinate(bottom + 38))\" "
            + "text-anchor=\"middle\">Accuracy (%)</text>"
        return svg + "</svg>"
    }
}
