import KerasLensGraph
import KerasLens
@testable import KerasLensRuntime
import Testing

/// Keras's TimeDistributed (`Node.distributedAxes`) beyond the recorded parity of the `time_distributed` zoo model:
/// batch normalization folding inside the wrapper, batch invariance, weight ablation and partial forward passes from
/// a distributed layer, and the refusals.
@Suite struct TimeDistributedTests {
    static let file = "zoo/time_distributed.k2.h5"

    func model() throws -> Model { try Model(KerasImporter.load(path: FixtureManifest.path(Self.file))) }

    /// Seven samples of both inputs (the recorded three, then four more made from them).
    func inputs() throws -> [Tensor] {
        try ["zoo/time_distributed.input0.npy", "zoo/time_distributed.input1.npy"].map { file in
            let recorded = try FixtureManifest.array(file)
            var scalars = recorded.scalars
            for copy in 1...2 { scalars += recorded.scalars.map { $0 * Float(copy) * 0.7 - 0.1 } }
            let size = recorded.count / recorded.shape[0]
            return Tensor(shape: [7] + recorded.shape.dropFirst(), scalars: Array(scalars.prefix(7 * size)))
        }
    }

    @Test func batchNormalizationFoldsIntoTheDistributedConvolution() throws {
        let model = try model()
        // conv → batch norm → relu, each wrapped: one step named after the relu.
        #expect(model.inference.position["td_conv2d"] == nil)
        #expect(model.inference.position["td_batchnorm"] == nil)
        #expect(model.inference.position["td_relu"] != nil)
        let inputs = try inputs()
        let folded = try model.run(inputs).outputs[0]
        // Capturing an absorbed layer runs the differentiable plan, which keeps every layer.
        let unfolded = try model.run(inputs, capture: ["td_batchnorm"]).outputs[0]
        expectClose(folded, unfolded)
    }

    @Test func eachSampleHasTheResultItHasAlone() throws {
        let model = try model()
        let inputs = try inputs()
        let whole = try model.predict(inputs, batchSize: 64)
        #expect(try model.predict(inputs, batchSize: 3) == whole)
        for sample in 0..<7 {
            let alone = try model.predict(inputs.map { $0.samples(sample..<(sample + 1)) }, batchSize: 1)
            #expect(alone == whole.samples(sample..<(sample + 1)), "sample \(sample)")
        }
        let gradients = try model.gradients(inputs, withRespectTo: ["frames", "td_conv2d"])
        for sample in [0, 4] {
            let alone = try model.gradients(inputs.map { $0.samples(sample..<(sample + 1)) }, withRespectTo: ["frames", "td_conv2d"])
            for name in ["frames", "td_conv2d"] {
                #expect(try #require(gradients.gradients[name]).samples(sample..<(sample + 1)) == alone.gradients[name],
                        "gradient of \(name), sample \(sample)")
            }
        }
    }

    @Test func weightAblationOfADistributedLayerEqualsAZeroedKernelChannel() throws {
        let model = try model()
        let inputs = try inputs()
        let ablated = try model.outputsAblatingWeights(of: "td_dense", channels: [1], inputs: inputs)
        var graph = model.graph
        let index = try #require(graph.index(of: "td_dense"))
        var kernel = try #require(graph.nodes[index].weights["kernel"])
        for row in 0..<kernel.shape[0] { kernel.scalars[row * 3 + 1] = 0 }
        graph.nodes[index].weights["kernel"] = kernel
        let reference = try Model(graph).run(inputs).outputs[0]
        expectClose(Tensor(shape: reference.shape, scalars: ablated.scalars), reference)
        #expect(try model.run(inputs).outputs[0] != reference)
    }

    @Test func forwardFromADistributedLayerEqualsTheFullPass() throws {
        let model = try model()
        let inputs = try inputs()
        let full = try model.run(inputs, capture: ["td_flatten1d"])
        let partial = try model.forward(from: "td_flatten1d", substituting: try #require(full.layers["td_flatten1d"]),
                                        inputs: inputs)
        expectClose(partial.outputs[0], full.outputs[0])
    }

    @Test func distributedShapesAreCheckedPerStep() throws {
        let kernel = Tensor(shape: [4, 2], scalars: Array(repeating: 0.5, count: 8))
        #expect(try Op.dense(activation: .linear).outputShape(inputs: [[5, 4]], weights: ["kernel": kernel], distributedAxes: 1) == [5, 2])
        // The kernel meets the features of one step, so a kernel for the whole sequence is refused…
        let whole = Tensor(shape: [20, 2], scalars: Array(repeating: 0.5, count: 40))
        #expect(throws: GraphError.self) {
            try Op.dense(activation: .linear).outputShape(inputs: [[5, 4]], weights: ["kernel": whole], distributedAxes: 1)
        }
        // …and inputs must share the distributed axes.
        #expect { try Op.merge(.add).outputShape(inputs: [[5, 4], [6, 4]], weights: [:], distributedAxes: 1) } throws: {
            ($0 as? GraphError)?.detail.contains("same sizes") == true
        }
        #expect(throws: GraphError.self) { try Op.flatten.outputShape(inputs: [[5]], weights: [:], distributedAxes: 1) }
    }
}
