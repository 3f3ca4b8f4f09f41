import ArgumentParser
import Foundation
import Graph
import Runtime
import Images
import XAI

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on .npy or image inputs.",
        discussion: "Writes the model's output (or a named layer's) as float32 .npy, or prints the predicted class per sample. With --labels, prints accuracy overall and per class."
    )

    @Argument(help: "Model file (.h5 or .keras).") var model: String
    @Option(help: "Input: a .npy shaped (N, …) or one sample (repeat for models with several inputs), an image (.png, .jpg, .jpeg), or a folder of images or of class subfolders (which give the labels).") var input: [String]
    @Option(help: "Write the output to this .npy file.") var output: String?
    @Option(help: "Output the named layer instead of the model's output (needs --output).") var layer: String?
    @Option(help: "Samples per pass.") var batchSize = 64
    @Option(help: "True labels (.npy of class ids or one-hot rows) to report accuracy.") var labels: String?
    @OptionGroup var images: ImageInputOptions

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("--input is required") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if layer != nil, output == nil { throw ValidationError("--layer needs --output to say where to write the layer's output") }
    }

    func run() throws {
        let runner = try Model(loadGraph(model))
        var folderLabels: [Int]? = nil
        let result: Tensor
        if input.count == 1, ImageSet.isImagePath(input[0]) {
            let rows = try InputRows(input[0], option: "--input", sampleShape: runner.inputShapes[0], images: images)
            result = try predictInPieces(runner, rows, layer: layer, batchSize: batchSize)
            if labels == nil { folderLabels = try rows.labels(classes: result.shape.last ?? 0) }
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
        if let folderLabels {
            print(accuracyTable(ClassAccuracy(predicted: predicted, labels: folderLabels, classes: result.shape.last ?? 0)))
        } else if let labels {
            guard let truth = Labels.classIDs(try loadArray(labels, option: "--labels")), truth.count == predicted.count else {
                throw InputError("--labels \(labels): expected \(predicted.count) class ids or one-hot rows")
            }
            let classes = result.shape.last ?? 0
            if let sample = truth.firstIndex(where: { !(0..<classes).contains($0) }) {
                throw InputError("--labels \(labels): label \(truth[sample]) of sample \(sample) is not a class id in 0..<\(classes)")
            }
            print(accuracyTable(ClassAccuracy(predicted: predicted, labels: truth, classes: classes)))
        } else if output == nil {
            for (sample, label) in predicted.enumerated() { print("\(sample)\t\(label)") }
        }
    }
}
