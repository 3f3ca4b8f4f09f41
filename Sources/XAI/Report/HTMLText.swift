import Foundation

/// Text as it goes into the page: escaped for HTML and SVG, and numbers in the report's fixed formats.
enum HTMLText {
    /// Escapes the five characters that can end an element or an attribute, so names like `<bird>` or `a "b"`
    /// show as themselves in text, attributes and SVG alike.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A dash stands for a value that is missing or undefined (NaN), rather than printing "nan".
    static let missing = "—"

    static func fixed(_ value: Double?, _ digits: Int) -> String {
        guard let value, value.isFinite else { return missing }
        return String(format: "%.\(digits)f", value)
    }

    /// A fraction as percent: 0.905 → "90.5 %".
    static func percent(_ fraction: Double?, _ digits: Int = 1) -> String {
        guard let fraction, fraction.isFinite else { return missing }
        return String(format: "%.\(digits)f\u{2009}%%", fraction * 100)
    }

    /// Wall time in the unit a person reads most easily: 0.012 → "12 ms", 4.2 → "4.20 s", 83 → "1 min 23 s".
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return missing }
        if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
        if seconds < 60 { return String(format: "%.2f s", seconds) }
        let whole = Int(seconds.rounded())
        return whole < 3600 ? "\(whole / 60) min \(whole % 60) s" : "\(whole / 3600) h \(whole % 3600 / 60) min"
    }

    /// An SVG coordinate with one decimal: enough for a crisp line, short enough to keep the page small.
    static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A name cut to `limit` characters with an ellipsis, for chart labels; the full name goes into a tooltip.
    static func shortened(_ name: String, _ limit: Int) -> String {
        name.count <= limit ? name : String(name.prefix(max(1, limit - 1))) + "…"
    }
}
