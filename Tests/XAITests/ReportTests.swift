import Foundation
import KerasLensGraph
import Testing
import KerasLensXAI

/// `text` with the characters HTML gives meaning to escaped, as the page must show names and the report text.
private func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;")
}

/// How often `tag` is opened (`<tag>` or `<tag …>`) and closed (`</tag>`) in `html`.
private func balance(_ tag: String, in html: String) -> (opened: Int, closed: Int) {
    let opened = html.components(separatedBy: "<\(tag)>").count - 1 + html.components(separatedBy: "<\(tag) ").count - 1
    return (opened, html.components(separatedBy: "</\(tag)>").count - 1)
}

private func occurrences(_ needle: String, in html: String) -> Int { html.components(separatedBy: needle).count - 1 }

@Suite struct ReportTests {
    private let png = PNGImage(width: 3, height: 2, fill: RGBColor(red: 200, green: 10, blue: 10)).pngData()

    private func content(_ name: String = "synthetic_ties") throws -> ReportContent {
        let fixture = try MetricsCase.load(name)
        let metrics = try ClassificationMetrics(scores: fixture.scoreTensor(), labels: fixture.labelIDs())
        return ReportContent(
            modelName: "net <v2> & \"best\"", modelFile: "models/a&b.h5", datasetName: "test <split>",
            classNames: fixture.target_names, classification: metrics,
            explanations: [
                ExplanationMetricsRow(method: "gradcam", dataset: "MNIST-1D", layer: "conv1d_2", frac: 0.3,
                                      samples: 100, dropRate: 0.25, increaseRate: 0.1, deletionAUC: 0.2,
                                      insertionAUC: 0.7, seconds: 0.5),
                ExplanationMetricsRow(method: "a<b", dataset: "MNIST-1D", layer: "conv1d_2", frac: 0.3, samples: 100,
                                      dropRate: 0.2, increaseRate: 0.3, deletionAUC: 0.3, insertionAUC: 0.6,
                                      seconds: 75),
            ],
            figures: [
                ReportFigure(sample: 7, method: "lime", caption: "superpixels <4>", png: png),
                ReportFigure(sample: 3, method: "gradcam", caption: "", png: png),
                ReportFigure(sample: 7, method: "gradcam", caption: "layer conv1d_2", png: png),
            ])
    }

    @Test func mainElementsAreClosed() throws {
        let html = HTMLReport.render(try content())
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</html>\n"))
        for tag in ["html", "head", "body", "header", "main", "section", "footer", "div", "table", "thead", "tbody",
                    "tr", "th", "td", "svg", "g", "text", "title", "figure", "figcaption", "pre", "h1", "h2", "h3",
                    "h4", "p", "span", "strong", "code", "defs", "linearGradient", "clipPath", "style"] {
            let counts = balance(tag, in: html)
            #expect(counts.opened == counts.closed, "<\(tag)> opened \(counts.opened) times, closed \(counts.closed)")
        }
    }

    @Test func drawsTheThreeCharts() throws {
        let html = HTMLReport.render(try content())
        #expect(occurrences("<svg ", in: html) == 3)
        #expect(html.contains("aria-label=\"One-vs-rest ROC curves\""))
        #expect(html.contains("aria-label=\"Confusion matrix, rows normalised\""))
        #expect(html.contains("aria-label=\"Class-wise accuracy\""))
        // One curve per class, a heatmap cell per pair of classes, one bar per class.
        #expect(occurrences("<polyline", in: html) == 4)
        #expect(occurrences("<rect x=", in: html) >= 16 + 4)
        #expect(html.contains(">0.6033<"), "class cat's AUC in the legend")
    }

    @Test func escapesEveryName() throws {
        let html = HTMLReport.render(try content())
        for raw in ["<bird>", "<v2>", "<split>", "<4>", "a<b", "a&b.h5"] {
            #expect(!html.contains(raw), "\(raw) is not escaped")
        }
        #expect(html.contains("net &lt;v2&gt; &amp; &quot;best&quot;"))
        #expect(html.contains("&lt;bird&gt;"))
        #expect(html.contains("a&lt;b"))
    }

    @Test func embedsTheReportTextAndTheImages() throws {
        let content = try content()
        let html = HTMLReport.render(content)
        let text = try #require(content.classification).report.text(targetNames: content.classNames)
        #expect(html.contains("<pre class=\"report\">" + escaped(text) + "</pre>"))
        let uri = "data:image/png;base64," + Data(png).base64EncodedString()
        #expect(occurrences("<img src=\"\(uri)\"", in: html) == 3)
    }

    @Test func needsNothingFromOutside() throws {
        let html = HTMLReport.render(try content())
        for external in ["http:", "https:", "src=\"//", "href=", "@import", "<script", "<link"] {
            #expect(!html.contains(external), "the page refers to \(external)")
        }
        #expect(html.components(separatedBy: "url(").dropFirst().allSatisfy { $0.hasPrefix("#") })
    }

    @Test func galleryGroupsBySampleThenMethod() throws {
        let html = HTMLReport.render(try content())
        let alts = html.components(separatedBy: "alt=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(alts == ["lime explanation of sample 7", "gradcam explanation of sample 7",
                         "gradcam explanation of sample 3"])
    }

    @Test func tableMarksBestAndMissing() throws {
        let html = HTMLReport.render(try content())
        #expect(html.contains("<th colspan=\"12\">MNIST-1D</th>"))
        #expect(html.contains(">20.00</td>") && html.contains("num best bar"))
        #expect(html.contains("<td class=\"num\">—</td>"), "absent Average Drop shows a dash")
        #expect(html.contains(">1 min 15 s</td>"))
    }

    @Test func undefinedAreasShowAsDashes() throws {
        let html = HTMLReport.render(try content("synthetic_empty_class"))
        #expect(occurrences("<polyline", in: html) == 2, "class b has no positives and no curve")
        #expect(!html.contains(">nan") && !html.contains("NaN"))
    }

    @Test func isPure() throws {
        let content = try content()
        #expect(HTMLReport.render(content) == HTMLReport.render(content))
    }
}
