import ArgumentParser
import Foundation
import KerasLens

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on .npy or image inputs.",
        discussion: "Writes the model's output (or a named layer's) as float32 .npy, or prints the predicted class per sample. With --labels, prints accuracy overall and per class."
    )

    @Argument(help: "Model file (.h5 or .keras).") var model: String
    @Option(help: "Input: a .npy shaped (N, …) or one sample (repeat for models with several inputs), an image (.png, .jpg, .jpeg), or a folder of images or of class subfolders (which give the labels).") var input: [String]
    @Option(help: "Write the output to this .npy file. A model with several outputs (and no --output-name) writes one file per output, named after the output's layer: Y.npy gives Y.<output>.npy for each.") var output: String?
    @Option(help: "Output the named layer instead of the model's output (needs --output).") var layer: String?
    @Option(help: "Samples per pass.") var batchSize = 64
    @Option(help: "True labels (.npy of class ids or one-hot rows) to report accuracy.") var labels: String?
    @Option(help: "Class names in class-id order: comma-separated, or a file (one per line, or Keras's imagenet_class_index.json).") var classNames: String?
    @Option(help: "Print each sample's K most likely classes with their scores.") var top: Int?
    @OptionGroup var images: ImageInputOptions
    @OptionGroup var outputChoice: OutputChoice

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("--input is required") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if let top, top <= 0 { throw ValidationError("--top must be positive") }
        if layer != nil, output == nil { throw ValidationError("--layer needs --output to say where to write the layer's output") }
    }

    func run() throws {
        var graph = try loadGraph(model)
        if outputChoice.outputName != nil {
            graph = try outputChoice.graph(graph)
        } else if graph.outputs.count > 1, layer == nil {
            guard let output, labels == nil, top == nil else {
                throw InputError("the model has \(graph.outputs.count) outputs (\(outputList(graph))); --output writes them all, one .npy each; printing classes, --labels and --top need --output-name")
            }
            return try writeEveryOutput(Model(graph), to: output)
        }
        let runner = try Model(graph)
        var folderLabels: [Int]? = nil
        var names = try classNames.map(readClassNames)
        let result: Tensor
        if input.count == 1, ImageSet.isImagePath(input[0]) {
            let rows = try InputRows(input[0], option: "--input", sampleShape: runner.inputShapes[0], images: images)
            result = try predictInPieces(runner, rows, layer: layer, batchSize: batchSize)
            if labels == nil, layer == nil { folderLabels = try rows.labels(classes: result.shape.last ?? 0) }
            if names == nil { names = rows.folderClassNames }
        } else {
            if let image = input.first(where: ImageSet.isImagePath) {
                throw InputError("--input \(image): images are read for single-input models only; give .npy arrays")
            }
            let inputs = try input.map { try loadArray($0, option: "--input") }
            result = try runner.predict(inputs, layer: layer, batchSize: batchSize)
        }
        if let output {
            try NumPyFile.write(result, to: output)
            print("wrote \(output) \(result.shape)")
        }
        let predicted = Labels.argmax(result)
        if let top { print(topClasses(result, count: top, names: names ?? [])) }
        if let folderLabels {
            print(accuracyTable(ClassAccuracy(predicted: predicted, labels: folderLabels, classes: result.shape.last ?? 0), names: names ?? []))
        } else if let labels {
            guard let truth = Labels.classIDs(try loadArray(labels, option: "--labels")), truth.count == predicted.count else {
                throw InputError("--labels \(labels): expected \(predicted.count) class ids or one-hot rows")
            }
            let classes = result.shape.last ?? 0
            if let sample = truth.firstIndex(where: { !(0..<classes).contains($0) }) {
                throw InputError("--labels \(labels): label \(truth[sample]) of sample \(sample) is not a class id in 0..<\(classes)")
            }
            print(accuracyTable(ClassAccuracy(predicted: predicted, labels: truth, classes: classes), names: names ?? []))
        } else if output == nil, top == nil {
            for (sample, label) in predicted.enumerated() { print("\(sample)\t\(name(label, names ?? []))") }
        }
    }

    /// Writes each of the model's outputs to `<stem>.<output>.npy` beside `path`, from one pass over the inputs.
    private func writeEveryOutput(_ runner: Model, to path: String) throws {
        let results: [Tensor]
        if input.count == 1, ImageSet.isImagePath(input[0]) {
            let rows = try InputRows(input[0], option: "--input", sampleShape: runner.inputShapes[0], images: images)
            results = try predictInPieces(runner, rows, layers: runner.outputNames, batchSize: batchSize)
        } else {
            if let image = input.first(where: ImageSet.isImagePath) {
                throw InputError("--input \(image): images are read for single-input models only; give .npy arrays")
            }
            results = try runner.predict(try input.map { try loadArray($0, option: "--input") }, layers: runner.outputNames, batchSize: batchSize)
        }
        let stem = path.hasSuffix(".npy") ? String(path.dropLast(4)) : path
        for (name, result) in zip(runner.outputNames, results) {
            let file = "\(stem).\(name).npy"
            try NumPyFile.write(result, to: file)
            print("wrote \(file) \(result.shape)")
        }
    }

    /// One line per sample: its index, then the `count` highest-scoring classes as `name score`, best first.
    private func topClasses(_ result: Tensor, count: Int, names: [String]) -> String {
        let classes = result.shape.last ?? 0
        return (0..<(result.shape.first ?? 0)).map { sample in
            let scores = result.scalars[(sample * classes)..<((sample + 1) * classes)]
            let best = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }.prefix(count)
            return ([String(sample)] + best.map { "\(name($0 - sample * classes, names)) \(String(format: "%.4f", scores[$0]))" })
                .joined(separator: "\t")
        }.joined(separator: "\n")
    }

    private func name(_ label: Int, _ names: [String]) -> String {
        label < names.count ? names[label] : String(label)
    }
}
