import ArgumentParser
import Foundation
import KerasLens

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
    @Option(help: "Token-id inputs (read by an Embedding): the id that replaces a removed token, in the explanations and their metrics.") var baselineToken = 0
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Evaluate shard K of N (K = 0…N−1): a contiguous block of the samples (of the explained ones too); needs --partial.") var shard: Shard?
    @Option(help: "Write what `keraslens merge` needs (per-sample scores, outputs, figures, a fingerprint of model, options and inputs) to FILE instead of printing results.") var partial: String?
    @OptionGroup var images: ImageInputOptions
    @OptionGroup var outputChoice: OutputChoice

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if let samples, samples <= 0 { throw ValidationError("--samples must be positive") }
        if let frac, !(frac > 0 && frac <= 1) { throw ValidationError("--frac must be in (0, 1]") }
        if shard != nil, partial == nil { throw ValidationError("--shard needs --partial FILE: a shard's scores mean something only merged (keraslens merge)") }
        if partial != nil, report != nil || json { throw ValidationError("--partial writes a shard file; --report and --json belong to keraslens merge") }
    }

    func run() throws {
        let opened = try Model(outputChoice.graph(loadGraph(model)))
        let inputs = try InputRows(input, option: "--input", sampleShape: opened.inputShapes[0], images: images)
        let runner = try opened.specialized(for: [inputs.sampleShape])
        let hasLabels = labels != nil || inputs.folderLabels != nil
        let chosen = try methodList(methods ?? (hasLabels ? "" : "gradcam,gradcam++,ablationcam,lime"))
        let layer = try camLayer(chosen, model: runner, given: self.layer)
        let classes = runner.outputShapes[0].last ?? 0
        let truth = try trueLabels(inputs, classes: classes, outputShape: runner.outputShapes[0])
        let names = try classNames.map(readClassNames) ?? inputs.folderClassNames ?? (0..<classes).map { String($0) }
        let datasetName = dataset ?? URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let explained = min(samples ?? inputs.count, inputs.count)
        let fraction = frac ?? (runner.inputShapes[0].count > 2 ? 0.9 : 0.3)
        // Figures are made when a report may be drawn: now, or later from the shard files.
        let listed = try sampleList(count: inputs.count)
        let shown = report != nil || partial != nil ? listed : []
        let shard = self.shard ?? .whole
        let unit = Shard.commonBatch(chosen.map { options(for: $0, layer: layer).batchSize } + [batchSize])
        let block = shard.block(of: inputs.count, batch: unit), explainedBlock = shard.block(of: explained, batch: unit)

        let outputs = try truth.map { _ in
            try predictInPieces(runner, inputs, block: block, batchSize: batchSize) { progress("predicting", done: $0, of: block.count) }
        }
        var methodParts: [EvaluationPart.MethodPart] = []
        var figures: [EvaluationPart.Figure] = []
        for method in chosen {
            let label = "explaining and scoring with \(method.rawValue)"
            progress(label, done: 0, of: explainedBlock.count)
            let start = DispatchTime.now().uptimeNanoseconds
            var methodOptions = options(for: method, layer: layer)
            methodOptions.firstSample = explainedBlock.lowerBound
            let metrics = try ExplanationMetrics.evaluate(runner, method: method, count: explainedBlock.count, rows: { range in
                try inputs.read((range.lowerBound + explainedBlock.lowerBound)..<(range.upperBound + explainedBlock.lowerBound))
            }, options: methodOptions, frac: fraction, curveStep: curveStep, withCurves: !noCurves, batchSize: batchSize) { done in
                progress(label, done: done, of: explainedBlock.count)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            methodParts.append(.init(method: method, layer: method.needsLayer ? layer : nil, frac: fraction, withCurves: !noCurves,
                                     scores: metrics, seconds: seconds))
            figures += try reportFigures(runner, inputs: inputs, samples: shown.filter(block.contains), method: method, layer: layer)
                .map { EvaluationPart.Figure($0, method: method) }
        }
        clearProgress()
        let part = EvaluationPart(shard: shard, fingerprint: try fingerprint(inputs: inputs, layer: layer, methods: chosen, explained: explained,
                                                                              frac: fraction, datasetName: datasetName, classNames: names, shown: shown),
                                  samples: inputs.count, explained: explained, batch: unit, shown: shown, classes: classes,
                                  outputs: outputs?.scalars, labels: truth.map { Array($0[block]) }, methods: methodParts,
                                  figures: figures, modelFile: model, datasetName: datasetName, classNames: names)
        if let partial {
            try write(part, to: partial)
            print("shard \(shard): \(block.count) of \(inputs.count) samples classified, \(explainedBlock.count) of \(explained) explained; wrote \(partial)")
            return
        }
        do {
            try present(try EvaluationMerge.merge([(file: "this run", part: part)]), json: json, report: report)
        } catch let error as MergeError {
            throw InputError("\(error)")
        }
    }

    /// Every sample's true class: from --labels, else from a folder of class subfolders; nil without labels.
    private func trueLabels(_ inputs: InputRows, classes: Int, outputShape: [Int]) throws -> [Int]? {
        guard labels != nil || inputs.folderLabels != nil else { return nil }
        guard outputShape.count == 1 else {
            throw InputError("\(model): classification metrics need an output shaped (N, classes); the model's is (N, \(outputShape.map(String.init).joined(separator: ", ")))")
        }
        guard let labels else { return try inputs.labels(classes: classes) }
        let truth = Labels.classIDs(try loadArray(labels, option: "--labels"))
        guard let truth, truth.count == inputs.count else {
            throw ValidationError("--labels: expected \(inputs.count) class ids or one-hot rows")
        }
        return truth
    }

    private func write(_ part: EvaluationPart, to file: String) throws {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            try encoder.encode(part).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw InputError("--partial: cannot write \(file): \(error.localizedDescription)")
        }
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
        options.baselineToken = baselineToken
        options.batchSize = method.isCAM ? min(batchSize, 16) : batchSize
        return options
    }

    /// Each shown sample explained alone, with the draws it had in the evaluation (keyed by its position).
    private func reportFigures(_ runner: Model, inputs: InputRows, samples: [Int], method: ExplanationMethod, layer: String?) throws -> [ReportFigure] {
        try samples.map { sample in
            let shown = try inputs.read(sample..<(sample + 1))
            var sampleOptions = options(for: method, layer: layer)
            sampleOptions.firstSample = sample
            let explanation = try method.explain(runner, inputs: shown, options: sampleOptions)
            let images = try explanation.figures(0, inputs: shown)
            // 2-D maps of image files are drawn over the picture at its own size, as `explain --png` draws them.
            let picture = images.count == 2 ? try inputs.original(sample) : nil
            let image = try picture.map { try explanation.figure(0, over: $0) } ?? images[0]
            let caption = "class \(explanation.classes[0]), score \(String(format: "%.4f", explanation.scores[0]))"
            return ReportFigure(sample: sample, method: method.rawValue, caption: caption, png: image.pngData())
        }
    }
}
