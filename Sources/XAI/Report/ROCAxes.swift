/// What the ROC plot and its zoom inset draw alike (grid lines, tick labels, one curve per class) through one
/// chart's mapping from rates to SVG coordinates. Each chart keeps its own mapping, so its coordinates round the
/// same way wherever they are drawn.
struct ROCAxes {
    /// False-positive rate to SVG x.
    let x: (Double) -> String
    /// True-positive rate to SVG y.
    let y: (Double) -> String
    /// The tick labels' class: the inset's are smaller.
    let tickClass: String

    /// A grid line at false-positive rate `rate`, from SVG y `y1` to `y2`.
    func verticalLine(at rate: Double, from y1: String, to y2: String) -> String {
        "<line class=\"grid\" x1=\"\(x(rate))\" y1=\"\(y1)\" x2=\"\(x(rate))\" y2=\"\(y2)\"/>"
    }

    /// A grid line at true-positive rate `rate`, from SVG x `x1` to `x2`.
    func horizontalLine(at rate: Double, from x1: String, to x2: String) -> String {
        "<line class=\"grid\" x1=\"\(x1)\" y1=\"\(y(rate))\" x2=\"\(x2)\" y2=\"\(y(rate))\"/>"
    }

    /// The label of false-positive rate `rate`, centred on it at SVG y `baseline`.
    func fprLabel(_ rate: Double, baseline: Double) -> String {
        "<text class=\"\(tickClass)\" x=\"\(x(rate))\" y=\"\(HTMLText.coordinate(baseline))\" "
            + "text-anchor=\"middle\">\(HTMLText.fixed(rate, 1))</text>"
    }

    /// The label of true-positive rate `rate`, ending at SVG x `end`.
    func tprLabel(_ rate: Double, end: Double) -> String {
        "<text class=\"\(tickClass)\" x=\"\(HTMLText.coordinate(end))\" y=\"\(y(rate))\" "
            + "text-anchor=\"end\" dominant-baseline=\"middle\">\(HTMLText.fixed(rate, 1))</text>"
    }

    /// One polyline of class `curveClass` per class whose area is defined, in the class's colour, with a tooltip
    /// when `title` gives one.
    func curves(_ curves: [ROCCurve], curveClass: String, title: ((Int, ROCCurve) -> String)? = nil) -> String {
        var svg = ""
        for (k, curve) in curves.enumerated() where curve.area.isFinite {
            let points = zip(curve.falsePositiveRates, curve.truePositiveRates).map { "\(x($0)),\(y($1))" }
            svg += "<polyline class=\"\(curveClass)\" stroke=\"\(ClassPalette.color(k, of: curves.count))\" "
                + "points=\"\(points.joined(separator: " "))\""
            svg += title.map { "><title>\($0(k, curve))</title></polyline>" } ?? "/>"
        }
        return svg
    }
}
