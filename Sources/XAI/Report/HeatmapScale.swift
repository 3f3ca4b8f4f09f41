import Foundation

/// The confusion matrix's sequential colour scale, ColorBrewer "Blues" (scikit-learn's `ConfusionMatrixDisplay`
/// default): white for 0, dark blue for 1, so the diagonal stands out at a glance.
enum HeatmapScale {
    private static let stops: [(Double, Double, Double)] = [
        (247, 251, 255), (222, 235, 247), (198, 219, 239), (158, 202, 225), (107, 174, 214),
        (66, 146, 198), (33, 113, 181), (8, 81, 156), (8, 48, 107),
    ]

    /// The colour of a value in [0, 1] (clamped), as `rgb(…)`.
    static func color(_ value: Double) -> String {
        let position = min(max(value.isFinite ? value : 0, 0), 1) * Double(stops.count - 1)
        let low = min(Int(position), stops.count - 2)
        let t = position - Double(low)
        let (a, b) = (stops[low], stops[low + 1])
        return String(format: "rgb(%.0f,%.0f,%.0f)",
                      a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, a.2 + (b.2 - a.2) * t)
    }

    /// Dark cells get white text; the switch sits where the scale's luminance crosses the middle.
    static func textColor(_ value: Double) -> String { value > 0.55 ? "#ffffff" : "#1b2430" }

    /// The stops as an SVG gradient, for the colour bar beside the heatmap.
    static func gradientStops() -> String {
        (0..<stops.count).map { i in
            let offset = Double(i) / Double(stops.count - 1)
            return "<stop offset=\"\(HTMLText.coordinate(offset * 100))%\" stop-color=\"\(color(offset))\"/>"
        }.joined()
    }
}
