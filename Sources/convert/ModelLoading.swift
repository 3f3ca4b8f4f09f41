import ArgumentParser
import KerasLens

/// Loads any model file the CLI accepts: `.h5`, `.keras` or a native `.safetensors`.
func loadGraph(_ path: String) throws -> Graph {
    try ModelFile.load(path: path)
}

/// Loads an array argument, naming the option in the error.
func loadArray(_ path: String, option: String) throws -> Tensor {
    do {
        return try NumPyFile.read(path: path)
    } catch {
        throw InputError("\(option): \(error)")
    }
}

/// `--output-name`, for the commands that read one output of the model.
struct OutputChoice: ParsableArguments {
    @Option(help: "For a model with several outputs, the one to use (its name as `inspect` lists the outputs); required then.")
    var outputName: String?

    /// The model of the chosen output: `graph` itself for a one-output model without `--output-name`.
    func graph(_ graph: Graph) throws -> Graph {
        guard let outputName else {
            guard graph.outputs.count == 1 else {
                throw InputError("the model has \(graph.outputs.count) outputs (\(outputList(graph))); choose one with --output-name")
            }
            return graph
        }
        guard let kept = graph.keepingOutput(outputName) else {
            throw InputError("--output-name \(outputName): the model's outputs are \(outputList(graph))")
        }
        return kept
    }
}

/// `classes (3), box (2)`: the model's outputs with their per-sample shapes.
func outputList(_ graph: Graph) -> String {
    graph.outputs.map { name in
        "\(name) (\(graph.node(named: name)?.outputShape.map(String.init).joined(separator: ", ") ?? ""))"
    }.joined(separator: ", ")
}
