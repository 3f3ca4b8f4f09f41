/// The opening of a chart's `<svg>`: drawn in its own units (`viewBox`) at that natural size, shrunk by the stylesheet
/// to fit a narrower panel but never blown up, so a 4-class matrix keeps readable 12 px labels instead of filling
/// the page.
enum SVGChart {
    static func open(width: Double, height: Double, label: String) -> String {
        let w = HTMLText.coordinate(width), h = HTMLText.coordinate(height)
        return "<svg class=\"chart\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" role=\"img\" "
            + "aria-label=\"\(HTMLText.escape(label))\"><title>\(HTMLText.escape(label))</title>"
    }
}
