import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// MobileNetV3's four-layer hard-swish (`foldingHardSwish`): one activation fused into the convolution before it in
/// inference plans, with the four layers' answer; left alone when an inner layer has another reader.
@Suite struct HardSwishFoldingTests {
    /// `x → conv → bn → (+3) → relu6 → (·1/6) → multiply(bn, ·)`, the Multiply's operands in either order.
    static func graph(gateFirst: Bool, cappedAlsoRead: Bool = false) throws -> Graph {
        var nodes = [Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [7, 6, 4])]
        func add(_ name: String, _ op: Op, _ inputs: [String], _ weights: [String: Tensor] = [:]) throws {
            let shapes = inputs.map { name in nodes.first { $0.name == name }!.outputShape }
            nodes.append(Node(name: name, kerasClass: name, op: op, inputs: inputs, weights: weights,
                              outputShape: try op.outputShape(inputs: shapes, weights: weights)))
        }
        let weights = InferenceFoldingTests.weights(["kernel": [3, 3, 4, 8], "gamma": [8], "beta": [8], "moving_mean": [8]])
        try add("conv", .convolution(window: window([3, 3], .same), activation: .linear), ["x"], ["kernel": weights["kernel"]!])
        try add("bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["conv"],
                ["gamma": weights["gamma"]!, "beta": weights["beta"]!, "moving_mean": weights["moving_mean"]!,
                 "moving_variance": Tensor(shape: [8], scalars: Array(repeating: 0.7, count: 8))])
        try add("plus3", .rescaling(scale: [1], offset: [3]), ["bn"])
        try add("capped", .activation(.clippedReLU(maxValue: 6, negativeSlope: 0, threshold: 0)), ["plus3"])
        try add("sixth", .rescaling(scale: [1 / 6], offset: [0]), ["capped"])
        try add("swish", .merge(.multiply), gateFirst ? ["sixth", "bn"] : ["bn", "sixth"])
        var outputs = ["swish"]
        if cappedAlsoRead {
            try add("other", .activation(.sigmoid), ["capped"])
            outputs.append("other")
        }
        return Graph(nodes: nodes, inputs: ["x"], outputs: outputs, source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
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
