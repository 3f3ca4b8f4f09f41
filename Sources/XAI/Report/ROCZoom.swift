extension ROCChart {
    /// The window the inset magnifies: false-positive rates up to 0.3, true-positive rates from 0.8.
    private static let zoomRates = (fpr: 0.0...0.3, tpr: 0.8...1.0)
    /// Where the inset sits, in the main plot's rates: its empty lower right.
    private static let insetRates = (fpr: 0.50...0.97, tpr: 0.07...0.40)

    /// A magnified inset of the top-left corner, drawn when every curve is good enough to crowd into it (all areas at
    /// least 0.9) and the classes could not be told apart at full scale. A rising curve through (0.5, 0.4) has an
    /// area of at most 0.5 · 0.4 + 0.5 = 0.7, so the inset can never hide one; the chance diagonal passes to its upper
    /// left.
    static func zoom(_ curves: [ROCCurve]) -> String {
        let areas = curves.map(\.area).filter(\.isFinite)
        guard !areas.isEmpty, areas.allSatisfy({ $0 >= 0.9 }) else { return "" }
        let left = plotLeft + insetRates.fpr.lowerBound * plotSize
        let right = plotLeft + insetRates.fpr.upperBound * plotSize
        let top = plotTop + (1 - insetRates.tpr.upperBound) * plotSize
        let bottom = plotTop + (1 - insetRates.tpr.lowerBound) * plotSize
        func x(_ rate: Double) -> String {
            let span = zoomRates.fpr.upperBound - zoomRates.fpr.lowerBound
            return HTMLText.coordinate(left + (rate - zoomRates.fpr.lowerBound) / span * (right - left))
        }
        func y(_ rate: Double) -> String {
            let span = zoomRates.tpr.upperBound - zoomRates.tpr.lowerBound
            return HTMLText.coordinate(bottom - (rate - zoomRates.tpr.lowerBound) / span * (bottom - top))
        }
        let box = "x=\"\(HTMLText.coordinate(left))\" y=\"\(HTMLText.coordinate(top))\" "
            + "width=\"\(HTMLText.coordinate(right - left))\" height=\"\(HTMLText.coordinate(bottom - top))\""

        var svg = "<defs><clipPath id=\"roc-zoom\"><rect \(box)/></clipPath></defs>"
        svg += "<g class=\"inset\"><rect class=\"inset-back\" \(box)/>"
        let axes = ROCAxes(x: x, y: y, tickClass: "tick small")
        // No label at x = 0: it would collide with the 0.8 of the other axis at the corner.
        for tick in [0.1, 0.2, 0.3] {
            svg += axes.verticalLine(at: tick, from: HTMLText.coordinate(top), to: HTMLText.coordinate(bottom))
            svg += axes.fprLabel(tick, baseline: bottom + 12)
        }
        for tick in [0.8, 0.9, 1.0] {
            svg += axes.horizontalLine(at: tick, from: HTMLText.coordinate(left), to: HTMLText.coordinate(right))
            svg += axes.tprLabel(tick, end: left - 5)
        }
        svg += "<g clip-path=\"url(#roc-zoom)\">" + axes.curves(curves, curveClass: "curve thin")
        svg += "</g><rect class=\"frame\" \(box)/><text class=\"legend-title\" x=\"\(HTMLText.coordinate(right - 4))\" "
            + "y=\"\(HTMLText.coordinate(bottom - 6))\" text-anchor=\"end\">zoom</text></g>"
        return svg
    }
}
