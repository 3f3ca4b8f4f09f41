import ArgumentParser
import Foundation
import KerasLens

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a model to KerasLens's native format (.safetensors) or to ONNX (.onnx).",
        discussion: """
            The output's extension picks the format. A native file holds the weights as safetensors tensors named \
            <layer>/<weight>, the graph as JSON in its metadata (docs/FORMAT.md), and a self-test — a fixed input \
            and this runtime's output for it — that `keraslens verify OUT.safetensors` replays. An ONNX file is \
            opset 17, float32, with the model's channels-last inputs and outputs.
            """
    )

    @Argument(help: "Model file (.h5, .keras or .safetensors).") var model: String
    @Option(name: .shortAndLong, help: "Output file: .safetensors (native) or .onnx.") var output: String

    private var isONNX: Bool { output.lowercased().hasSuffix(".onnx") }

    func validate() throws {
        guard isONNX || output.lowercased().hasSuffix(".safetensors") else {
            throw ValidationError("--output \(output): the extension must be .safetensors (native) or .onnx")
        }
    }

    func run() throws {
        let graph = try loadGraph(model)
        if isONNX {
            try ONNXExporter.write(graph, to: output)
            print("wrote \(output) (ONNX opset \(ONNXExporter.opset), \(graph.nodes.count) layers)")
        } else {
            let runner = try Model(graph)
            // Inputs read by several Embeddings take ids valid for the smallest vocabulary.
            let vocabularies = Dictionary(runner.tokenInputs.map { ($0.input, $0.vocabulary) }, uniquingKeysWith: min)
            let inputs = SelfTest.inputs(shapes: runner.inputShapes, vocabularies: vocabularies)
            let selfTest = SelfTest(inputs: inputs, outputs: try runner.run(inputs).outputs)
            try NativeFile.write(graph, selfTest: selfTest, to: output)
            print("wrote \(output) (KerasLens native format \(NativeFile.formatVersion), \(graph.nodes.count) layers, \(graph.parameterCount) parameters, with self-test)")
        }
    }
}
