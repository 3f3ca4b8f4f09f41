/// The row-normalised confusion matrix as a heatmap: each cell is the share of a true class given a predicted one,
/// printed and shaded, so the diagonal reads as per-class recall and every bright off-diagonal cell is a confusion.
enum ConfusionHeatmap {
    /// Roughly the width of one character of the 12 px label font, to leave room for class names.
    private static let characterWidth = 7.0

    static func svg(_ metrics: ClassificationMetrics, _ content: ReportContent) -> String {
        let confusion = metrics.confusion
        let classes = confusion.classes
        let fractions = confusion.normalized
        let names = (0..<classes).map { HTMLText.shortened(content.className($0), 16) }
        let longest = Double(names.map(\.count).max() ?? 1)
        let cell = max(16, min(44, 440 / Double(max(classes, 1))))
        let left = 30 + min(130, 10 + characterWidth * longest)
        let top = 10.0
        let grid = cell * Double(classes)
        // Names wider than a cell are turned 45° so they cannot overlap their neighbours.
        let turned = characterWidth * longest > cell - 4
        let labelDepth = turned ? min(100, 0.71 * characterWidth * longest + 12) : 20
        let scaleLeft = left + grid + 22
        let width = scaleLeft + 14 + 44
        let height = top + grid + labelDepth + 34
        let fontSize = HTMLText.coordinate(min(13, max(8, cell * 0.3)))
        func at(_ i: Int) -> Double { Double(i) * cell }
        func center(_ i: Int) -> String { HTMLText.coordinate((Double(i) + 0.5) * cell) }

        var svg = SVGChart.open(width: width, height: height, label: "Confusion matrix, rows normalised")
        svg += "<g transform=\"translate(\(HTMLText.coordinate(left)) \(HTMLText.coordinate(top)))\">"
        for t in 0..<classes {
            for p in 0..<classes {
                let value = fractions[t][p]
                svg += "<g><title>true \(HTMLText.escape(content.className(t))), predicted "
                    + "\(HTMLText.escape(content.className(p))): \(confusion.counts[t][p]) of \(confusion.support[t]) "
                    + "(\(HTMLText.fixed(value, 3)))</title>"
                svg += "<rect x=\"\(HTMLText.coordinate(at(p)))\" y=\"\(HTMLText.coordinate(at(t)))\" "
                    + "width=\"\(HTMLText.coordinate(cell))\" height=\"\(HTMLText.coordinate(cell))\" "
                    + "fill=\"\(HeatmapScale.color(value))\"/>"
                // Zeros are printed faintly: the eye should land on the cells that hold samples.
                let ink = value == 0 ? "#b4bfcc" : HeatmapScale.textColor(value)
                svg += "<text class=\"cell\" x=\"\(center(p))\" y=\"\(center(t))\" fill=\"\(ink)\" "
                    + "font-size=\"\(fontSize)\" text-anchor=\"middle\" dominant-baseline=\"central\">"
                    + "\(value == 0 ? "0" : HTMLText.fixed(value, 2))</text></g>"
            }
        }
        svg += "<rect class=\"frame\" x=\"0\" y=\"0\" width=\"\(HTMLText.coordinate(grid))\" "
            + "height=\"\(HTMLText.coordinate(grid))\"/>"
        for (k, name) in names.enumerated() {
            svg += "<text class=\"tick\" x=\"-8\" y=\"\(center(k))\" text-anchor=\"end\" "
                + "dominant-baseline=\"central\">\(HTMLText.escape(name))</text>"
            if turned {
                svg += "<text class=\"tick\" transform=\"translate(\(center(k)) \(HTMLText.coordinate(grid + 8))) "
                    + "rotate(-45)\" text-anchor=\"end\" dominant-baseline=\"central\">\(HTMLText.escape(name))</text>"
            } else {
                svg += "<text class=\"tick\" x=\"\(center(k))\" y=\"\(HTMLText.coordinate(grid + 16))\" "
                    + "text-anchor=\"middle\">\(HTMLText.escape(name))</text>"
            }
        }
        svg += "<text class=\"axis-title\" x=\"\(HTMLText.coordinate(grid / 2))\" "
            + "y=\"\(HTMLText.coordinate(grid + labelDepth + 22))\" text-anchor=\"middle\">Predicted class</text>"
        svg += "<text class=\"axis-title\" transform=\"translate(\(HTMLText.coordinate(16 - left)) "
            + "\(HTMLText.coordinate(grid / 2))) rotate(-90)\" text-anchor=\"middle\">True class</text>"
        svg += "</g>" + colorBar(left: scaleLeft, top: top, height: grid) + "</svg>"
        return svg
    }

    /// The scale from 0 to 1 beside the matrix, so shades can be read back as numbers.
    private static func colorBar(left: Double, top: Double, height: Double) -> String {
        var svg = "<defs><linearGradient id=\"confusion-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
            + HeatmapScale.gradientStops() + "</linearGradient></defs>"
        svg += "<rect x=\"\(HTMLText.coordinate(left))\" y=\"\(HTMLText.coordinate(top))\" width=\"14\" "
            + "height=\"\(HTMLText.coordinate(height))\" fill=\"url(#confusion-scale)\" class=\"frame-soft\"/>"
        for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let y = HTMLText.coordinate(top + (1 - tick) * height)
            svg += "<line class=\"axis\" x1=\"\(HTMLText.coordinate(left + 14))\" y1=\"\(y)\" "
                + "x2=\"\(HTMLText.coordinate(left + 18))\" y2=\"\(y)\"/>"
            svg += "<text class=\"tick\" x=\"\(HTMLText.coordinate(left + 21))\" y=\"\(y)\" "
                + "dominant-baseline=\"central\">\(HTMLText.fixed(tick, 2))</text>"
        }
        return svg
    }
}
