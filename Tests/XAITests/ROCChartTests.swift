import KerasLensGraph
import Testing
@testable import KerasLensXAI

/// The ROC chart drawn for a small three-class set, pinned element by element: the plot and its zoom inset share
/// their drawing code, and the page must not change when that code moves.
@Suite struct ROCChartTests {
    @Test func drawsThePlotAndTheZoomInsetAsPinned() throws {
        // Classes a<b and c each have one negative ranked above a positive (AUC 17/18); d is separated perfectly.
        let scores: [Float] = [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.2, 0.7,
                               0.6, 0.3, 0.1, 0.5, 0.25, 0.25, 0.2, 0.1, 0.7,
                               0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.65, 0.05, 0.3]
        let metrics = try ClassificationMetrics(scores: Tensor(shape: [9, 3], scalars: scores),
                                                labels: [0, 1, 2, 0, 1, 2, 0, 1, 2])
        let content = ReportContent(modelName: "m", modelFile: "m.h5", datasetName: "d", classNames: ["a<b", "c", "d"],
                                    classification: metrics)
        #expect(ROCChart.svg(metrics, content) == expected)
    }

    // One element per line; the trailing backslashes join them into one line, as the chart writes it.
    private let expected = """
        <svg class="chart" width="630.0" height="462.0" viewBox="0 0 630.0 462.0" role="img" aria-label="One-vs-rest ROC curves">\
        <title>One-vs-rest ROC curves</title>\
        <line class="grid" x1="58.0" y1="396.0" x2="58.0" y2="16.0"/>\
        <line class="grid" x1="58.0" y1="396.0" x2="438.0" y2="396.0"/>\
        <text class="tick" x="58.0" y="414.0" text-anchor="middle">0.0</text>\
        <text class="tick" x="50.0" y="396.0" text-anchor="end" dominant-baseline="middle">0.0</text>\
        <line class="grid" x1="134.0" y1="396.0" x2="134.0" y2="16.0"/>\
        <line class="grid" x1="58.0" y1="320.0" x2="438.0" y2="320.0"/>\
        <text class="tick" x="134.0" y="414.0" text-anchor="middle">0.2</text>\
        <text class="tick" x="50.0" y="320.0" text-anchor="end" dominant-baseline="middle">0.2</text>\
        <line class="grid" x1="210.0" y1="396.0" x2="210.0" y2="16.0"/>\
        <line class="grid" x1="58.0" y1="244.0" x2="438.0" y2="244.0"/>\
        <text class="tick" x="210.0" y="414.0" text-anchor="middle">0.4</text>\
        <text class="tick" x="50.0" y="244.0" text-anchor="end" dominant-baseline="middle">0.4</text>\
        <line class="grid" x1="286.0" y1="396.0" x2="286.0" y2="16.0"/>\
        <line class="grid" x1="58.0" y1="168.0" x2="438.0" y2="168.0"/>\
        <text class="tick" x="286.0" y="414.0" text-anchor="middle">0.6</text>\
        <text class="tick" x="50.0" y="168.0" text-anchor="end" dominant-baseline="middle">0.6</text>\
        <line class="grid" x1="362.0" y1="396.0" x2="362.0" y2="16.0"/>\
        <line class="grid" x1="58.0" y1="92.0" x2="438.0" y2="92.0"/>\
        <text class="tick" x="362.0" y="414.0" text-anchor="middle">0.8</text>\
        <text class="tick" x="50.0" y="92.0" text-anchor="end" dominant-baseline="middle">0.8</text>\
        <line class="grid" x1="438.0" y1="396.0" x2="438.0" y2="16.0"/>\
        <line class="grid" x1="58.0" y1="16.0" x2="438.0" y2="16.0"/>\
        <text class="tick" x="438.0" y="414.0" text-anchor="middle">1.0</text>\
        <text class="tick" x="50.0" y="16.0" text-anchor="end" dominant-baseline="middle">1.0</text>\
        <line class="chance" x1="58.0" y1="396.0" x2="438.0" y2="16.0"/>\
        <polyline class="curve" stroke="#1f77b4" points="58.0,396.0 58.0,269.3 58.0,142.7 121.3,142.7 121.3,16.0 184.7,16.0 438.0,16.0">\
        <title>a&lt;b: AUC 0.9444</title>\
        </polyline>\
        <polyline class="curve" stroke="#ff7f0e" points="58.0,396.0 58.0,269.3 58.0,142.7 121.3,142.7 121.3,16.0 374.7,16.0 438.0,16.0">\
        <title>c: AUC 0.9444</title>\
        </polyline>\
        <polyline class="curve" stroke="#2ca02c" points="58.0,396.0 58.0,142.7 58.0,16.0 121.3,16.0 438.0,16.0">\
        <title>d: AUC 1.0000</title>\
        </polyline>\
        <rect class="frame" x="58.0" y="16.0" width="380" height="380"/>\
        <text class="axis-title" x="248.0" y="438.0" text-anchor="middle">False positive rate</text>\
        <text class="axis-title" transform="translate(16 206.0) rotate(-90)" text-anchor="middle">True positive rate</text>\
        <defs>\
        <clipPath id="roc-zoom">\
        <rect x="248.0" y="244.0" width="178.6" height="125.4"/>\
        </clipPath>\
        </defs>\
        <g class="inset">\
        <rect class="inset-back" x="248.0" y="244.0" width="178.6" height="125.4"/>\
        <line class="grid" x1="307.5" y1="244.0" x2="307.5" y2="369.4"/>\
        <text class="tick small" x="307.5" y="381.4" text-anchor="middle">0.1</text>\
        <line class="grid" x1="367.1" y1="244.0" x2="367.1" y2="369.4"/>\
        <text class="tick small" x="367.1" y="381.4" text-anchor="middle">0.2</text>\
        <line class="grid" x1="426.6" y1="244.0" x2="426.6" y2="369.4"/>\
        <text class="tick small" x="426.6" y="381.4" text-anchor="middle">0.3</text>\
        <line class="grid" x1="248.0" y1="369.4" x2="426.6" y2="369.4"/>\
        <text class="tick small" x="243.0" y="369.4" text-anchor="end" dominant-baseline="middle">0.8</text>\
        <line class="grid" x1="248.0" y1="306.7" x2="426.6" y2="306.7"/>\
        <text class="tick small" x="243.0" y="306.7" text-anchor="end" dominant-baseline="middle">0.9</text>\
        <line class="grid" x1="248.0" y1="244.0" x2="426.6" y2="244.0"/>\
        <text class="tick small" x="243.0" y="244.0" text-anchor="end" dominant-baseline="middle">1.0</text>\
        <g clip-path="url(#roc-zoom)">\
        <polyline class="curve thin" stroke="#1f77b4" points="248.0,871.0 248.0,662.0 248.0,453.0 347.2,453.0 347.2,244.0 446.4,244.0 843.3,244.0"/>\
        <polyline class="curve thin" stroke="#ff7f0e" points="248.0,871.0 248.0,662.0 248.0,453.0 347.2,453.0 347.2,244.0 744.1,244.0 843.3,244.0"/>\
        <polyline class="curve thin" stroke="#2ca02c" points="248.0,871.0 248.0,453.0 248.0,244.0 347.2,244.0 843.3,244.0"/>\
        </g>\
        <rect class="frame" x="248.0" y="244.0" width="178.6" height="125.4"/>\
        <text class="legend-title" x="422.6" y="363.4" text-anchor="end">zoom</text>\
        </g>\
        <text class="legend-title" x="458" y="26">Class</text>\
        <text class="legend-title" x="622.0" y="26" text-anchor="end">AUC</text>\
        <g class="legend-row">\
        <title>a&lt;b</title>\
        <line x1="458" y1="48.0" x2="476" y2="48.0" stroke="#1f77b4" stroke-width="3" stroke-linecap="round"/>\
        <text class="legend" x="484" y="48.0" dominant-baseline="middle">a&lt;b</text>\
        <text class="legend value" x="622.0" y="48.0" text-anchor="end" dominant-baseline="middle">0.9444</text>\
        </g>\
        <g class="legend-row">\
        <title>c</title>\
        <line x1="458" y1="72.0" x2="476" y2="72.0" stroke="#ff7f0e" stroke-width="3" stroke-linecap="round"/>\
        <text class="legend" x="484" y="72.0" dominant-baseline="middle">c</text>\
        <text class="legend value" x="622.0" y="72.0" text-anchor="end" dominant-baseline="middle">0.9444</text>\
        </g>\
        <g class="legend-row">\
        <title>d</title>\
        <line x1="458" y1="96.0" x2="476" y2="96.0" stroke="#2ca02c" stroke-width="3" stroke-linecap="round"/>\
        <text class="legend" x="484" y="96.0" dominant-baseline="middle">d</text>\
        <text class="legend value" x="622.0" y="96.0" text-anchor="end" dominant-baseline="middle">1.0000</text>\
        </g>\
        <line class="legend-rule" x1="458" y1="112.0" x2="622.0" y2="112.0"/>\
        <text class="legend strong" x="458" y="128.0" dominant-baseline="middle">Macro average</text>\
        <text class="legend value strong" x="622.0" y="128.0" text-anchor="end" dominant-baseline="middle">0.9630</text>\
        <line class="chance" x1="458" y1="150.0" x2="476" y2="150.0"/>\
        <text class="legend muted" x="484" y="150.0" dominant-baseline="middle">chance (AUC 0.5)</text>\
        </svg>
        """
}
