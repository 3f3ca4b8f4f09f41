import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// MobileNetV3's four-layer hard-swish (`foldingHardSwish`): one activation fused into the convolution before it in
/// inference plans, with the four layers' answer; left alone when an inner layer has another reader.
@Suite struct HardSwishFoldingTests {
    /// `x → conv → bn → (+3) → relu6 → (·1/6) → multiply(bn, ·)`, the Multiply's operands in either order.
    static func graph(gateFirst: Bool, cappedAlsoRead: Bool = false) throws -> Graph {
        var layers = TestGraph(input: [7, 6, 4])
        let kernel = InferenceFoldingTests.weights(["kernel": [3, 3, 4, 8]])
        try layers.add("conv", .convolution(window: window([3, 3], .same), activation: .linear), ["x"], kernel)
        try layers.add("bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["conv"], TestGraph.normalization(channels: 8))
        try layers.add("plus3", .rescaling(scale: [1], offset: [3]), ["bn"])
        try layers.add("capped", .activation(.clippedReLU(maxValue: 6, negativeSlope: 0, threshold: 0)), ["plus3"])
        try layers.add("sixth", .rescaling(scale: [1 / 6], offset: [0]), ["capped"])
        try layers.add("swish", .merge(.multiply), gateFirst ? ["sixth", "bn"] : ["bn", "sixth"])
        var outputs = ["swish"]
        if cappedAlsoRead {
            try layers.add("other", .activation(.sigmoid), ["capped"])
            outputs.append("other")
        }
        return layers.graph(outputs: outputs)
    }

    @Test(arguments: [false, true])
    func foldsIntoTheConvolution(_ gateFirst: Bool) throws {
        let model = try Model(Self.graph(gateFirst: gateFirst))
        #expect(model.inference.steps.map(\.name) == ["x", "swish"])
        // Inputs around ±3 and 0, the kinks, scaled so the normalized sums cross them.
        let x = Tensor(shape: [3, 7, 6, 4], scalars: InferenceFoldingTests.input([3, 7, 6, 4]).scalars.map { $0 * 4 })
        let folded = try model.run([x]).outputs[0]
        expectClose(folded, try model.run([x], capture: ["plus3"]).outputs[0], atol: 1e-6, rtol: 1e-6)
        #expect(try model.run([x.samples(1..<2)]).outputs[0].scalars == Array(folded.scalars[(folded.count / 3)..<(2 * folded.count / 3)]))
    }

    @Test func anInnerLayerReadTwiceIsNotFolded() throws {
        let model = try Model(Self.graph(gateFirst: false, cappedAlsoRead: true))
        // (The add of 3 still takes the capped ReLU, its only reader: `Kernel.applying`.)
        #expect(model.inference.steps.map(\.name) == ["x", "bn", "capped", "sixth", "swish", "other"])
    }
}
