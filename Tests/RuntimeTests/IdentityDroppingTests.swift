import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Dropout and noise layers leave inference plans (`droppingIdentities`): EfficientNet's `conv → BN → dropout →
/// add(shortcut)` is one convolution step with the shortcut as its residual, with the unfused layers' answer; a
/// dropout that is a model output stays.
@Suite struct IdentityDroppingTests {
    static func graph(dropoutIsOutput: Bool) throws -> Graph {
        var layers = TestGraph(input: [5, 4, 8])
        let kernel = InferenceFoldingTests.weights(["kernel": [1, 1, 8, 8]])
        try layers.add("conv", .convolution(window: window([1, 1], .valid), activation: .linear), ["x"], kernel)
        try layers.add("bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["conv"], TestGraph.normalization(channels: 8))
        try layers.add("drop", .identity, ["bn"])
        try layers.add("add", .merge(.add), ["drop", "x"])
        return layers.graph(outputs: dropoutIsOutput ? ["add", "drop"] : ["add"])
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
