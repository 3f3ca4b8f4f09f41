import Foundation
import KerasLens

/// Prints a (merged) evaluation and writes its report: the one ending of `evaluate` and `merge`, so that a run and
/// the merge of its shards say the same thing.
func present(_ merged: MergedEvaluation, json: Bool, report: String?) throws {
    let evaluation = EvaluationResult(datasetName: merged.datasetName, classNames: merged.classNames,
                                      classification: merged.classification,
                                      methods: merged.methods.map { MethodResult(method: $0.method, layer: $0.layer, metrics: $0.scores, seconds: $0.seconds) })
    if let report {
        let content = ReportContent(modelName: URL(fileURLWithPath: merged.modelFile).lastPathComponent, modelFile: merged.modelFile,
                                    datasetName: merged.datasetName, classNames: merged.classNames,
                                    classification: merged.classification, explanations: evaluation.tableRows, figures: merged.figures)
        try writeReport(HTMLReport.render(content), to: report)
    }
    print(json ? try evaluation.json() : evaluation.text())
    if let report, !json { print("report: \(URL(fileURLWithPath: report).appendingPathComponent("index.html").path)") }
}

private func writeReport(_ html: String, to folder: String) throws {
    let url = URL(fileURLWithPath: folder)
    do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Data(html.utf8).write(to: url.appendingPathComponent("index.html"), options: .atomic)
    } catch {
        throw InputError("--report: cannot write \(url.appendingPathComponent("index.html").path): \(error.localizedDescription)")
    }
}
