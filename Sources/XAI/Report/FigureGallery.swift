import Foundation

/// The explanation pictures, one block per sample headed by its true and predicted class (so a success and a
/// failure read differently at once), the methods side by side within it for comparison.
enum FigureGallery {
    static func html(_ content: ReportContent) -> String {
        let samples = content.figures.map(\.sample).distinctInOrder()
        let methods = content.figures.map(\.method).distinctInOrder()
        var html = ""
        for sample in samples {
            html += "<div class=\"sample\">" + heading(sample, content) + "<div class=\"gallery\">"
            let figures = content.figures.filter { $0.sample == sample }
            for method in methods {
                for figure in figures where figure.method == method { html += card(figure) }
            }
            html += "</div></div>"
        }
        return html
    }

    private static func heading(_ sample: Int, _ content: ReportContent) -> String {
        var html = "<h3>Sample \(sample)"
        if let metrics = content.classification, sample >= 0 && sample < metrics.labels.count {
            let truth = metrics.labels[sample], prediction = metrics.predicted[sample]
            let verdict = truth == prediction ? "<span class=\"badge good\">correct</span>"
                : "<span class=\"badge bad\">misclassified</span>"
            html += " <span class=\"sample-classes\">true <strong>\(HTMLText.escape(content.className(truth)))"
                + "</strong> · predicted <strong>\(HTMLText.escape(content.className(prediction)))</strong></span> "
                + verdict
        }
        return html + "</h3>"
    }

    private static func card(_ figure: ReportFigure) -> String {
        let method = HTMLText.escape(figure.method)
        return "<figure class=\"shot\"><img src=\"data:image/png;base64,\(Data(figure.png).base64EncodedString())\" "
            + "alt=\"\(method) explanation of sample \(figure.sample)\"><figcaption><strong>\(method)</strong>"
            + (figure.caption.isEmpty ? "" : " <span>\(HTMLText.escape(figure.caption))</span>")
            + "</figcaption></figure>"
    }
}
