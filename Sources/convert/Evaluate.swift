import ArgumentParser
import Foundation
import Graph
import Images
import Runtime
import XAI

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classification metrics, explanation metrics (the course's Table I) and an HTML report.",
        discussion: "Classification metrics use every sample; explanations are computed and scored on the first --samples. Rates in --json are fractions."
    )

    @Argument(help: "Model file.") var model: String
    @Option(help: "Input: a .npy shaped (N, …), an image (.png, .jpg, .jpeg), or a folder of images (sorted by name) or of class subfolders (which give the labels).") var input: String
    @Option(help: "True labels (.npy of class ids or one-hot rows); without them (or a folder of class subfolders) only explanations are scored.") var labels: String?
    @Option(help: "Class names in class-id order: comma-separated, or a file (one per line, or Keras's imagenet_class_index.json).") var classNames: String?
    @Option(help: "The dataset's name in tables and the report (default: the input file's name).") var dataset: String?
    @Option(help: "Comma-separated explanation methods (default: none when there are labels — the classification alone — else gradcam,gradcam++,ablationcam,lime).") var methods: String?
    @Option(help: "The layer CAM methods read (default: the last layer with the input's spatial axes).") var layer: String?
    @Option(help: "Share of the input drop/increase keeps (default 0.3 for 1-D inputs, 0.9 for 2-D).") var frac: Double?
    @Option(help: "Explain and score only the first N samples (default: all).") var samples: Int?
    @Option(help: "Comma-separated sample indices whose explanation figures go into the report.") var show: String?
    @Option(help: "Write DIR/index.html, a self-contained report.") var report: String?
    @Option(help: "Positions deleted or inserted per step of the deletion/insertion curves (default: 1 for 1-D, 2% of the positions for 2-D).") var curveStep: Int?
    @Flag(help: "Skip the deletion/insertion curves (two model passes per curve step).") var noCurves = false
    @Option(help: "Upsampling of CAM maps.") var upsample: Upsampling = .spline
    @Option(help: "Samples per model call.") var batchSize = 64
    @Option(help: "Seed for the stochastic methods.") var seed: UInt64 = 0
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var images: ImageInputOptions

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if let samples, samples <= 0 { throw ValidationError("--samples must be positive") }
        if let frac, !(frac > 0 && frac <= 1) { throw ValidationError("--frac must be in (0, 1]") }
    }

    func run() throws {
        let runner = try Model(loadGraph(model))
        let inputs = try InputRows(input, option: "--input", sampleShape: runner.inputShapes[0], images: images)
        let hasLabels = labels != nil || inputs.folderLabels != nil
        let chosen = try methodList(methods ?? (hasLabels ? "" : "gradcam,gradcam++,ablationcam,lime"))
        let layer = try camLayer(chosen, model: runner, given: self.layer)
        let figureSamples = try sampleList(count: inputs.count)
        let outputs = try predictInPieces(runner, inputs, batchSize: batchSize) { progress("predicting", done: $0, of: inputs.count) }
        let classification = try labels.map { try classificationMetrics(outputs, file: $0) }
            ?? inputs.labels(classes: outputs.shape.last ?? 0).map { try ClassificationMetrics(scores: outputs, labels: $0) }
        let names = try classNames.map(readClassNames) ?? inputs.folderClassNames
            ?? (0..<(outputs.shape.last ?? 0)).map { String($0) }
        let datasetName = dataset ?? URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let scored = min(samples ?? inputs.count, inputs.count)
        let fraction = frac ?? (runner.inputShapes[0].count > 2 ? 0.9 : 0.3)

        var rows: [MethodResult] = []
        var figures: [ReportFigure] = []
        for method in chosen {
            let label = "explaining and scoring with \(method.rawValue)"
            progress(label, done: 0, of: scored)
            let start = DispatchTime.now().uptimeNanoseconds
            let metrics = try ExplanationMetrics.evaluate(runner, method: method, count: scored, rows: inputs.read,
                                                          options: options(for: method, layer: layer), frac: fraction, curveStep: curveStep,
                                                          withCurves: !noCurves, batchSize: batchSize) { done in
                progress(label, done: done, of: scored)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rows.append(MethodResult(method: method, layer: method.needsLayer ? layer : nil, metrics: metrics, seconds: seconds))
            figures += try reportFigures(runner, inputs: inputs, samples: figureSamples, method: method, layer: layer)
        }
        clearProgress()
        let evaluation = EvaluationResult(datasetName: datasetName, classNames: names, classification: classification,
                                          methods: rows)
        if let report {
            let content = ReportContent(modelName: URL(fileURLWithPath: model).lastPathComponent, modelFile: model,
                                        datasetName: datasetName, classNames: names, classification: classification,
                                        explanations: evaluation.tableRows, figures: figures)
            try writeReport(HTMLReport.render(content), to: report)
        }
        print(json ? try evaluation.json() : evaluation.text())
        if let report, !json { print("report: \(URL(fileURLWithPath: report).appendingPathComponent("index.html").path)") }
    }

    private func methodList(_ methods: String) throws -> [ExplanationMethod] {
        try methods.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let method = ExplanationMethod(rawValue: trimmed) else {
                throw ValidationError("--methods: unknown method '\(trimmed)'; the methods are \(ExplanationMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return method
        }
    }

    private func sampleList(count: Int) throws -> [Int] {
        try (show ?? "").split(separator: ",").map { part in
            guard let index = Int(part.trimmingCharacters(in: .whitespaces)), index >= 0, index < count else {
                throw ValidationError("--show: '\(part)' is not a sample index below \(count)")
            }
            return index
        }
    }

    private func options(for method: ExplanationMethod, layer: String?) -> ExplanationOptions {
        var options = ExplanationOptions()
        options.layer = layer
        options.upsampling = upsample
        options.seed = seed
        options.batchSize = method.isCAM ? min(batchSize, 16) : batchSize
        return options
    }

    private func classificationMetrics(_ outputs: Tensor, file: String) throws -> ClassificationMetrics {
        let truth = Labels.classIDs(try loadArray(file, option: "--labels"))
        guard let truth, truth.count == outputs.shape[0] else {
            throw ValidationError("--labels: expected \(outputs.shape[0]) class ids or one-hot rows")
        }
        return try ClassificationMetrics(scores: outputs, labels: truth)
    }

    /// Each shown sample explained alone, with the draws it had in the evaluation (keyed by its position).
    private func reportFigures(_ runner: Model, inputs: InputRows, samples: [Int], method: ExplanationMethod, layer: String?) throws -> [ReportFigure] {
        guard report != nil else { return [] }
        return try samples.map { sample in
            let shown = try inputs.read(sample..<(sample + 1))
            var sampleOptions = options(for: method, layer: layer)
            sampleOptions.firstSample = sample
            let explanation = try method.explain(runner, inputs: shown, options: sampleOptions)
            let image = try explanation.figures(0, inputs: shown)[0]
            let caption = "class \(explanation.classes[0]), score \(String(format: "%.4f", explanation.scores[0]))"
            return ReportFigure(sample: sample, method: method.rawValue, caption: caption, png: image.pngData())
        }
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
}
