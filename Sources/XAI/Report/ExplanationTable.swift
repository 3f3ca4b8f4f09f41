/// The explanation metrics as the course's Table I: a block of rows per dataset, one row per method, with the best
/// value of each column in a block set in bold and the percentages drawn as faint in-cell bars, so the winner of
/// each measure can be seen without reading every number.
enum ExplanationTable {
    private enum Better { case lower, higher, neither }

    private struct Column: Sendable {
        var title: String
        var hint: String
        var better: Better
        var isPercent: Bool
        var value: @Sendable (ExplanationMetricsRow) -> Double?
    }

    private static let columns = [
        Column(title: "Drop %", hint: "Mean relative fall of the predicted class's score when only the map's top frac "
               + "of the input is kept", better: .lower, isPercent: true, value: \.dropRate),
        Column(title: "Increase %", hint: "Share of samples whose score rose under that masking",
               better: .higher, isPercent: true, value: \.increaseRate),
        Column(title: "Average drop %", hint: "Grad-CAM++: mean relative fall with the map as a soft mask",
               better: .lower, isPercent: true, value: \.averageDrop),
        Column(title: "Increase in conf. %", hint: "Grad-CAM++: share of samples more confident under the soft mask",
               better: .higher, isPercent: true, value: \.increaseInConfidence),
        Column(title: "Win %", hint: "Share of samples on which this method had the lowest drop",
               better: .higher, isPercent: true, value: \.winRate),
        Column(title: "Deletion AUC", hint: "RISE: score as the most important inputs are removed",
               better: .lower, isPercent: false, value: \.deletionAUC),
        Column(title: "Insertion AUC", hint: "RISE: score as they are added to a blurred input",
               better: .higher, isPercent: false, value: \.insertionAUC),
        Column(title: "Time", hint: "Wall time of explaining and scoring", better: .neither, isPercent: false,
               value: \.seconds),
    ]

    static func html(_ rows: [ExplanationMetricsRow]) -> String {
        var html = "<div class=\"table-scroll\"><table class=\"metrics\"><thead><tr><th>Method</th><th>Layer</th>"
            + "<th class=\"num\">frac</th><th class=\"num\">Samples</th>"
        for column in columns {
            let arrow = column.better == .lower ? " <span class=\"dir\">↓</span>"
                : column.better == .higher ? " <span class=\"dir\">↑</span>" : ""
            html += "<th class=\"num\" title=\"\(HTMLText.escape(column.hint))\">\(HTMLText.escape(column.title))"
                + "\(arrow)</th>"
        }
        html += "</tr></thead>"
        let datasets = rows.map(\.dataset).distinctInOrder()
        for dataset in datasets {
            let block = rows.filter { $0.dataset == dataset }
            html += "<tbody><tr class=\"group\"><th colspan=\"\(4 + columns.count)\">\(HTMLText.escape(dataset))"
                + "</th></tr>"
            let best = columns.map { bestValue(of: $0, in: block) }
            let peaks = columns.map { column in block.compactMap(column.value).filter(\.isFinite).max() }
            for row in block { html += line(row, best: best, peaks: peaks) }
            html += "</tbody>"
        }
        return html + "</table></div>"
    }

    /// One method's row; a percentage's bar is its share of the column's largest value in the block, so the bars
    /// compare the methods rather than all sitting near zero.
    private static func line(_ row: ExplanationMetricsRow, best: [Double?], peaks: [Double?]) -> String {
        var html = "<tr><td class=\"method\">\(HTMLText.escape(row.method))</td>"
            + "<td>\(row.layer.map { "<code>\(HTMLText.escape($0))</code>" } ?? HTMLText.missing)</td>"
            + "<td class=\"num\">\(row.frac.map { HTMLText.fixed($0, 2) } ?? HTMLText.missing)</td>"
            + "<td class=\"num\">\(row.samples.map(String.init) ?? HTMLText.missing)</td>"
        for (i, column) in columns.enumerated() {
            let value = column.value(row)
            var classes = "num"
            if let value, value == best[i] { classes += " best" }
            var style = ""
            if column.isPercent, let value, value.isFinite, let peak = peaks[i], peak > 0 {
                classes += " bar"
                style = " style=\"--bar: \(HTMLText.coordinate(min(max(value / peak, 0), 1) * 100))%\""
            }
            let text = column.isPercent ? HTMLText.fixed(value.map { $0 * 100 }, 2)
                : column.better == .neither ? HTMLText.duration(value) : HTMLText.fixed(value, 4)
            html += "<td class=\"\(classes)\"\(style)>\(text)</td>"
        }
        return html + "</tr>"
    }

    /// The best finite value of a column within one dataset's rows; none when fewer than two rows can be compared.
    private static func bestValue(of column: Column, in rows: [ExplanationMetricsRow]) -> Double? {
        let values = rows.compactMap(column.value).filter(\.isFinite)
        guard values.count >= 2 else { return nil }
        switch column.better {
        case .lower: return values.min()
        case .higher: return values.max()
        case .neither: return nil
        }
    }
}
