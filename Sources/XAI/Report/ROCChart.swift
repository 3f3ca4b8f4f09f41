/// The one-vs-rest ROC curves of every class in one square plot, with the chance diagonal and a legend of the areas:
/// the picture of how well each class is separated from the rest, whatever threshold is chosen.
enum ROCChart {
    /// The plot square in SVG units; the zoom inset (`ROCZoom.swift`) places itself inside it.
    static let plotLeft = 58.0
    static let plotTop = 16.0
    static let plotSize = 380.0
    private static let legendLeft = 458.0
    private static let width = 630.0
    private static let height = 462.0

    static func svg(_ metrics: ClassificationMetrics, _ content: ReportContent) -> String {
        let curves = metrics.roc
        func x(_ rate: Double) -> String { HTMLText.coordinate(plotLeft + rate * plotSize) }
        func y(_ rate: Double) -> String { HTMLText.coordinate(plotTop + (1 - rate) * plotSize) }
        let right = x(1), bottom = y(0)
        let axes = ROCAxes(x: x, y: y, tickClass: "tick")

        var svg = SVGChart.open(width: width, height: height, label: "One-vs-rest ROC curves")
        for tick in stride(from: 0.0, through: 1.0, by: 0.2) {
            svg += axes.verticalLine(at: tick, from: bottom, to: y(1))
            svg += axes.horizontalLine(at: tick, from: x(0), to: right)
            svg += axes.fprLabel(tick, baseline: plotTop + plotSize + 18)
            svg += axes.tprLabel(tick, end: plotLeft - 8)
        }
        svg += "<line class=\"chance\" x1=\"\(x(0))\" y1=\"\(bottom)\" x2=\"\(right)\" y2=\"\(y(1))\"/>"
        svg += axes.curves(curves, curveClass: "curve") {
            "\(HTMLText.escape(content.className($0))): AUC \(HTMLText.fixed($1.area, 4))"
        }
        svg += "<rect class=\"frame\" x=\"\(x(0))\" y=\"\(y(1))\" width=\"\(Int(plotSize))\" "
            + "height=\"\(Int(plotSize))\"/>"
        svg += "<text class=\"axis-title\" x=\"\(x(0.5))\" y=\"\(HTMLText.coordinate(plotTop + plotSize + 42))\" "
            + "text-anchor=\"middle\">False positive rate</text>"
        svg += "<text class=\"axis-title\" transform=\"translate(16 \(y(0.5))) rotate(-90)\" "
            + "text-anchor=\"middle\">True positive rate</text>"
        return svg + zoom(curves) + legend(metrics, content) + "</svg>"
    }

    /// Class swatches with their areas, and the macro average under them; rows shrink to fit many classes.
    private static func legend(_ metrics: ClassificationMetrics, _ content: ReportContent) -> String {
        let curves = metrics.roc
        let rowHeight = min(24, (plotSize - 40) / Double(max(curves.count, 1)))
        let valueRight = HTMLText.coordinate(width - 8)
        var svg = "<text class=\"legend-title\" x=\"\(Int(legendLeft))\" y=\"\(Int(plotTop + 10))\">Class</text>"
        svg += "<text class=\"legend-title\" x=\"\(valueRight)\" y=\"\(Int(plotTop + 10))\" "
            + "text-anchor=\"end\">AUC</text>"
        for (k, curve) in curves.enumerated() {
            let rowY = plotTop + 32 + Double(k) * rowHeight
            let name = content.className(k)
            svg += "<g class=\"legend-row\"><title>\(HTMLText.escape(name))</title>"
            svg += "<line x1=\"\(Int(legendLeft))\" y1=\"\(HTMLText.coordinate(rowY))\" "
                + "x2=\"\(Int(legendLeft + 18))\" y2=\"\(HTMLText.coordinate(rowY))\" "
                + "stroke=\"\(ClassPalette.color(k, of: curves.count))\" stroke-width=\"3\" stroke-linecap=\"round\"/>"
            svg += "<text class=\"legend\" x=\"\(Int(legendLeft + 26))\" y=\"\(HTMLText.coordinate(rowY))\" "
                + "dominant-baseline=\"middle\">\(HTMLText.escape(HTMLText.shortened(name, 11)))</text>"
            svg += "<text class=\"legend value\" x=\"\(valueRight)\" y=\"\(HTMLText.coordinate(rowY))\" "
                + "text-anchor=\"end\" dominant-baseline=\"middle\">\(HTMLText.fixed(curve.area, 4))</text></g>"
        }
        let foot = plotTop + 20 + Double(curves.count) * rowHeight
        let rule = HTMLText.coordinate(foot + 4), average = HTMLText.coordinate(foot + 20)
        let chance = HTMLText.coordinate(foot + 42)
        svg += "<line class=\"legend-rule\" x1=\"\(Int(legendLeft))\" y1=\"\(rule)\" x2=\"\(valueRight)\" "
            + "y2=\"\(rule)\"/>"
        svg += "<text class=\"legend strong\" x=\"\(Int(legendLeft))\" y=\"\(average)\" "
            + "dominant-baseline=\"middle\">Macro average</text>"
        svg += "<text class=\"legend value strong\" x=\"\(valueRight)\" y=\"\(average)\" text-anchor=\"end\" "
            + "dominant-baseline=\"middle\">\(HTMLText.fixed(metrics.macroAverageArea, 4))</text>"
        svg += "<line class=\"chance\" x1=\"\(Int(legendLeft))\" y1=\"\(chance)\" x2=\"\(Int(legendLeft + 18))\" "
            + "y2=\"\(chance)\"/>"
        svg += "<text class=\"legend muted\" x=\"\(Int(legendLeft + 26))\" y=\"\(chance)\" "
            + "dominant-baseline=\"middle\">chance (AUC 0.5)</text>"
        return svg
    }
}
