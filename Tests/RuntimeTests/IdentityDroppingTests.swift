import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Dropout and noise layers leave inference plans (`droppingIdentities`): EfficientNet's `conv → BN → dropout →
/// add(shortcut)` is one convolution step with the shortcut as its residual, with the unfused layers' answer; a
/// dropout that is a model output stays.
@Suite struct IdentityDroppingTests {
    static func graph(dropoutIsOutput: Bool) throws -> Graph {
        var nodes = [Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [5, 4, 8])]
        func add(_ name: String, _ op: Op, _ inputs: [String], _ weights: [String: Tensor] = [:]) throws {
            let shapes = inputs.map { name in nodes.first { $0.name == name }!.outputShape }
            nodes.append(Node(name: name, kerasClass: name, op: op, inputs: inputs, weights: weights,
                              outputShape: try op.outputShape(inputs: shapes, weights: weights)))
        }
        let w = InferenceFoldingTests.weights(["kernel": [1, 1, 8, 8], "gamma": [8], "beta": [8], "moving_mean": [8]])
        try add("conv", .convolution(window: window([1, 1], .valid), activation: .linear), ["x"], ["kernel": w["kernel"]!])
        try add("bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["conv"],
                ["gamma": w["gamma"]!, "beta": w["beta"]!, "moving_mean": w["moving_mean"]!,
                 "moving_variance": Tensor(shape: [8], scalars: Array(repeating: 0.7, count: 8))])
        try add("drop", .identity, ["bn"])
        try add("add", .merge(.add), ["drop", "x"])
        return Graph(nodes: nodes, inputs: ["x"], outputs: dropoutIsOutput ? ["add", "drop"] : ["add"],
                     source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
    }

    @Test func dropoutLeavesThePlan() throws {
        let model = try Model(Self.graph(dropoutIsOutput: false))
        #expect(model.inference.steps.map(\.name) == ["x", "add"])
        let x = InferenceFoldingTests.input([2, 5, 4, 8])
        expectClose(try model.run([x]).outputs[0], try model.run([x], capture: ["drop"]).outputs[0], atol: 1e-6, rtol: 1e-6)
    }

    @Test func aDropoutThatIsAnOutputStays() throws {
        let model = try Model(Self.graph(dropoutIsOutput: true))
        #expect(model.inference.steps.map(\.name) == ["x", "bn", "drop", "add"])
    }
}
