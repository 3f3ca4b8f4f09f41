import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Runs one op on one input through a two-node graph, as the runtime would inside a model.
func runOp(_ op: Op, input: Tensor, weights: [String: Tensor] = [:], extraInputs: [Tensor] = []) throws -> Tensor {
    let all = [input] + extraInputs
    var nodes: [Node] = []
    for (index, tensor) in all.enumerated() {
        let shape = Array(tensor.shape.dropFirst())
        nodes.append(Node(name: "x\(index)", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: shape))
    }
    let shapes = all.map { Array($0.shape.dropFirst()) }
    let output = try op.outputShape(inputs: shapes, weights: weights)
    nodes.append(Node(name: "y", kerasClass: "Test", op: op, inputs: nodes.map(\.name), weights: weights, outputShape: output))
    let graph = Graph(nodes: nodes, inputs: nodes.dropLast().map(\.name), outputs: ["y"],
                      source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
    return try Model(graph).run(all).outputs[0]
}

func tensor(_ shape: [Int], _ values: [Float]) -> Tensor { Tensor(shape: shape, scalars: values) }

/// Element-wise closeness with an absolute and a relative part, as the parity tests use.
func expectClose(_ actual: Tensor, _ expected: Tensor, _ what: String = "", atol: Float = 1e-5, rtol: Float = 1e-4,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(what) shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    var worst = (excess: -Float.infinity, index: 0)
    for (index, (a, e)) in zip(actual.scalars, expected.scalars).enumerated() {
        let excess = abs(a - e) - (atol + rtol * abs(e))
        if excess > worst.excess || excess.isNaN { worst = (excess.isNaN ? .infinity : excess, index) }
    }
    #expect(worst.excess <= 0 || actual.count == 0,
            "\(what): element \(worst.index) is \(actual.scalars.isEmpty ? 0 : actual.scalars[worst.index]), Keras has \(expected.scalars.isEmpty ? 0 : expected.scalars[worst.index])",
            sourceLocation: sourceLocation)
}

func window(_ size: [Int], strides: [Int]? = nil, dilations: [Int]? = nil, _ padding: Padding) -> Window {
    Window(size: size, strides: strides ?? size.map { _ in 1 }, dilations: dilations ?? size.map { _ in 1 }, padding: padding)
}

/// A graph built layer by layer, as the folding tests build theirs: one input `x`, each layer's output shape
/// inferred from its inputs.
struct TestGraph {
    private(set) var nodes: [Node]

    init(input shape: [Int]) {
        nodes = [Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: shape)]
    }

    mutating func add(_ name: String, _ op: Op, _ inputs: [String], _ weights: [String: Tensor] = [:]) throws {
        let shapes = inputs.map { name in nodes.first { $0.name == name }!.outputShape }
        nodes.append(Node(name: name, kerasClass: name, op: op, inputs: inputs, weights: weights,
                          outputShape: try op.outputShape(inputs: shapes, weights: weights)))
    }

    /// A batch normalization's weights over `channels`: seeded gamma, beta and mean, variance 0.7.
    static func normalization(channels: Int) -> [String: Tensor] {
        InferenceFoldingTests.weights(["gamma": [channels], "beta": [channels], "moving_mean": [channels]])
            .merging(["moving_variance": Tensor(shape: [channels], scalars: Array(repeating: 0.7, count: channels))]) { a, _ in a }
    }

    func graph(outputs: [String]) -> Graph {
        Graph(nodes: nodes, inputs: ["x"], outputs: outputs, source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
    }
}
