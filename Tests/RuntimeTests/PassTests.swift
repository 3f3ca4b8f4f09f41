import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Batches too large for one pass (`Plan.passBytes`) run in several; every sample's result must be the one it gets
/// alone.
@Suite struct PassTests {
    /// A 1024×1024×4 input (16 MB a sample, so one sample a pass) → 1×1 convolution → global average → softmax.
    static let graph: Graph = {
        let side = 1024
        let nodes = [
            Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [side, side, 4]),
            Node(name: "conv", kerasClass: "Conv2D",
                 op: .convolution(window: Window(size: [1, 1], strides: [1, 1], dilations: [1, 1], padding: .valid), activation: .relu),
                 inputs: ["x"], weights: ["kernel": Tensor(shape: [1, 1, 4, 2], scalars: [0.5, -0.3, 0.2, 0.8, -0.4, 0.1, 0.3, -0.6]),
                                          "bias": Tensor(shape: [2], scalars: [0.05, -0.02])],
                 outputShape: [side, side, 2]),
            Node(name: "gap", kerasClass: "GlobalAveragePooling2D", op: .globalPool(kind: .average, keepDims: false),
                 inputs: ["conv"], outputShape: [2]),
            Node(name: "out", kerasClass: "Dense", op: .dense(activation: .softmax(axis: 1)), inputs: ["gap"],
                 weights: ["kernel": Tensor(shape: [2, 3], scalars: [1, -1, 0.5, -0.5, 2, 0.25])], outputShape: [3]),
        ]
        return Graph(nodes: nodes, inputs: ["x"], outputs: ["out"], source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
    }()

    static let batch: Tensor = {
        let count = 3 * 1024 * 1024 * 4
        return Tensor(shape: [3, 1024, 1024, 4], scalars: (0..<count).map { Float(($0 * 7919) % 1000) / 500 - 1 })
    }()

    let model = try! Model(Self.graph)

    @Test func theBatchNeedsSeveralPasses() throws {
        #expect(try model.differentiable.passSize(limit: 3) < 3)
        #expect(model.inference.passSize(limit: 3) < 3)
    }

    /// A gradient pass keeps every activation and gradient of its samples until its backward walk ends; the samples
    /// it takes are bounded by their total too (224² DenseNet121: 58 million floats a sample, two a pass of 128 Mi).
    @Test func gradientPassesStayWithinTheirFloatBudget() {
        #expect(GradientSchedule.passSize(planned: 5, floatsPerSample: 58_284_408, budget: 1 << 27) == 2)
        #expect(GradientSchedule.passSize(planned: 5, floatsPerSample: 23_865_720, budget: 1 << 27) == 5)
        #expect(GradientSchedule.passSize(planned: 5, floatsPerSample: 1 << 28, budget: 1 << 27) == 1)
    }

    @Test func runAndGradientsMatchSampleBySample() throws {
        let whole = try model.gradients([Self.batch], withRespectTo: ["conv"])
        let run = try model.run([Self.batch], capture: ["gap"])
        for sample in 0..<3 {
            let alone = try model.gradients([Self.batch.samples(sample..<(sample + 1))], withRespectTo: ["conv"])
            #expect(whole.scores[sample] == alone.scores[0])
            #expect(whole.classes[sample] == alone.classes[0])
            #expect(try #require(whole.gradients["conv"]).samples(sample..<(sample + 1)) == alone.gradients["conv"])
            #expect(try #require(whole.activations["conv"]).samples(sample..<(sample + 1)) == alone.activations["conv"])
            let single = try model.run([Self.batch.samples(sample..<(sample + 1))], capture: ["gap"])
            #expect(run.outputs[0].samples(sample..<(sample + 1)) == single.outputs[0])
            #expect(try #require(run.layers["gap"]).samples(sample..<(sample + 1)) == single.layers["gap"])
        }
    }

    @Test func forwardFromALayerMatchesSampleBySample() throws {
        let conv = try #require(try model.run([Self.batch], capture: ["conv"]).layers["conv"])
        let whole = try model.forward(from: "conv", substituting: conv, capture: ["gap"])
        for sample in 0..<3 {
            let alone = try model.forward(from: "conv", substituting: conv.samples(sample..<(sample + 1)), capture: ["gap"])
            #expect(whole.outputs[0].samples(sample..<(sample + 1)) == alone.outputs[0])
        }
    }

    /// The same model with a classifier of two dense layers (320 weights) after the global average.
    static let withClassifier: Graph = {
        var nodes = Array(graph.nodes.dropLast())
        nodes.append(Node(name: "hidden", kerasClass: "Dense", op: .dense(activation: .relu), inputs: ["gap"],
                          weights: ["kernel": Tensor(shape: [2, 64], scalars: (0..<128).map { Float(($0 * 37) % 101) / 50 - 1 })],
                          outputShape: [64]))
        nodes.append(Node(name: "out", kerasClass: "Dense", op: .dense(activation: .softmax(axis: 1)), inputs: ["hidden"],
                          weights: ["kernel": Tensor(shape: [64, 3], scalars: (0..<192).map { Float(($0 * 53) % 97) / 48 - 1 })],
                          outputShape: [3]))
        return Graph(nodes: nodes, inputs: ["x"], outputs: ["out"], source: graph.source)
    }()

    /// Gradients at `hidden` walk only the classifier, whose weights outweigh its activations: its passes take the
    /// whole batch while the convolution below (one sample a pass) runs in passes of its own, joined; every sample's
    /// result is still the one it gets alone.
    @Test func aClassifierWalkTakesTheWholeBatch() throws {
        let model = try Model(Self.withClassifier)
        #expect(try model.gradientSchedule(layers: ["hidden"], target: .probability).passSize(limit: 3) == 3)
        #expect(try model.gradientSchedule(layers: ["conv"], target: .probability).passSize(limit: 3) < 3)
        let whole = try model.gradients([Self.batch], withRespectTo: ["hidden"])
        for sample in 0..<3 {
            let alone = try model.gradients([Self.batch.samples(sample..<(sample + 1))], withRespectTo: ["hidden"])
            #expect(whole.scores[sample] == alone.scores[0])
            #expect(try #require(whole.gradients["hidden"]).samples(sample..<(sample + 1)) == alone.gradients["hidden"])
            #expect(try #require(whole.activations["hidden"]).samples(sample..<(sample + 1)) == alone.activations["hidden"])
        }
    }

    @Test func classCountMustMatchTheBatch() {
        #expect(throws: RuntimeError.self) { try model.gradients([Self.batch], classes: [0, 1], withRespectTo: ["conv"]) }
    }
}
