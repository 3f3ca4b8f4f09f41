import ArgumentParser
import Foundation
import KerasLens

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a Keras-style summary of a model.")

    @Argument(help: "Model file (.h5 or .keras).") var model: String
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() throws {
        let summary = ModelSummary(graph: try loadGraph(model))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.table(file: model))
        }
    }
}

/// The stable shape of `inspect --json`.
struct ModelSummary: Encodable {
    struct Layer: Encodable {
        var name: String
        var `class`: String
        var output_shape: [Int?]
        /// A shared layer's parameters are counted at its first call; later calls show 0 and name it here (when
        /// the layer has weights).
        var params: Int
        var weights_from: String?
    }
    struct Port: Encodable {
        var name: String
        var shape: [Int?]
    }

    var keras_version: String?
    var format: String
    var inputs: [Port]
    var outputs: [Port]
    var layers: [Layer]
    var total_params: Int
    var trainable_params: Int

    init(graph: Graph) {
        // The batch axis and open dimensions are None, as Keras prints them.
        let batched = { (shape: [Int]) in [nil] + shape.map { $0 == openDimension ? nil : Optional($0) } }
        keras_version = graph.source.kerasVersion
        format = graph.source.format
        inputs = graph.inputs.compactMap { name in graph.node(named: name).map { Port(name: name, shape: batched($0.outputShape)) } }
        outputs = graph.outputs.compactMap { name in graph.node(named: name).map { Port(name: name, shape: batched($0.outputShape)) } }
        layers = graph.nodes.map {
            Layer(name: $0.name, class: $0.kerasClass, output_shape: batched($0.outputShape),
                  params: $0.weightsFrom == nil ? $0.parameterCount : 0, weights_from: $0.weights.isEmpty ? nil : $0.weightsFrom)
        }
        total_params = graph.parameterCount
        trainable_params = graph.nodes.filter { $0.weightsFrom == nil }.reduce(0) { total, node in
            total + node.weights.filter { !Self.nonTrainable.contains($0.key) && !node.constantNames.contains($0.key) }
                .values.reduce(0) { $0 + $1.count }
        }
    }

    /// Weights Keras keeps out of training (statistics), listed as non-trainable in its summary.
    private static let nonTrainable: Set<String> = ["moving_mean", "moving_variance", "mean", "variance", "count"]

    func table(file: String) -> String {
        let shape = { (dims: [Int?]) in "(" + dims.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")" }
        let rows = layers.map { layer in
            ["\(layer.name) (\(layer.class))", shape(layer.output_shape), layer.weights_from.map { "shares \($0)" } ?? grouped(layer.params)]
        }
        let header = ["Layer (type)", "Output Shape", "Param #"]
        let widths = (0..<3).map { column in ([header] + rows).map { $0[column].count }.max()! + 3 }
        let line = { (cells: [String]) in
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined()
        }
        let rule = String(repeating: "─", count: widths.reduce(0, +))
        var text = ["Model: \(file) (Keras \(keras_version ?? "unknown"), \(format))", rule, line(header), rule]
        text += rows.map(line)
        text += [rule,
                 "Total params: \(grouped(total_params))",
                 "Trainable params: \(grouped(trainable_params))",
                 "Non-trainable params: \(grouped(total_params - trainable_params))"]
        if outputs.count > 1 {
            text.append("Outputs: " + outputs.map { "\($0.name) \(shape($0.shape))" }.joined(separator: ", "))
        }
        return text.joined(separator: "\n")
    }
}

/// 13960 → "13,960".
func grouped(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (offset, digit) in digits.enumerated() {
        if offset > 0, (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return result
}
