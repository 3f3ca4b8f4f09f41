import KerasLensGraph
@testable import KerasLensRuntime
import KerasLens
import Testing

/// Batch normalizations folded into the layer before them in inference plans (`inferenceNodes`), zero paddings
/// into the convolution after them, residual connections into the convolution before them: the folded plan gives the unfolded answer, the absorbed layers stay reachable by name, and layers read twice or returned as
/// outputs are left alone.
@Suite struct InferenceFoldingTests {
    /// `input → layer → bn → act → head`, with seeded weights and statistics far from the identity.
    static func chain(_ op: Op, weights: [String: Tensor], input: [Int], activationLayer: Activation? = .relu,
                      extraReaderOfNorm: Bool = false) throws -> Graph {
        var generator = SplitMix64(seed: 15)
        func random(_ shape: [Int], _ range: ClosedRange<Float>) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float.random(in: range, using: &generator) })
        }
        var layers = TestGraph(input: input)
        try layers.add("layer", op, ["x"], weights)
        let channels = layers.nodes.last!.outputShape.last!
        try layers.add("bn", .batchNormalization(axis: layers.nodes.last!.outputShape.count, epsilon: 1e-3), ["layer"],
                ["gamma": random([channels], 0.5...1.5), "beta": random([channels], -0.5...0.5),
                 "moving_mean": random([channels], -0.5...0.5), "moving_variance": random([channels], 0.5...1.5)])
        var last = "bn"
        if let activationLayer {
            try layers.add("act", .activation(activationLayer), ["bn"])
            last = "act"
        }
        var outputs = [last]
        if extraReaderOfNorm {
            try layers.add("other", .activation(.sigmoid), ["bn"])
            outputs.append("other")
        }
        return layers.graph(outputs: outputs)
    }

    static func input(_ shape: [Int]) -> Tensor {
        var generator = SplitMix64(seed: 2026)
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &generator) })
    }

    static func weights(_ names: [String: [Int]]) -> [String: Tensor] {
        var generator = SplitMix64(seed: 7)
        return names.mapValues { shape in
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -0.5...0.5, using: &generator) })
        }
    }

    static let cases: [(String, Op, [String: Tensor], [Int])] = [
        ("convolution 3×3 stride 2, bias", .convolution(window: window([3, 3], strides: [2, 2], .same), activation: .linear),
         weights(["kernel": [3, 3, 4, 6], "bias": [6]]), [9, 8, 4]),
        ("pointwise convolution, no bias", .convolution(window: window([1, 1], .valid), activation: .linear),
         weights(["kernel": [1, 1, 24, 20]]), [7, 5, 24]),
        ("Winograd-sized convolution", .convolution(window: window([3, 3], .same), activation: .linear),
         weights(["kernel": [3, 3, 16, 8]]), [6, 6, 16]),
        ("grouped, 3 groups", .groupedConvolution(window: window([3, 3], .same), groups: 3, activation: .linear),
         weights(["kernel": [3, 3, 2, 9], "bias": [9]]), [6, 5, 6]),
        ("transposed 3×3 stride 2, bias (output channels before input channels)",
         .transposedConvolution(window: window([3, 3], strides: [2, 2], .same), outputPadding: [1, 1], activation: .linear),
         weights(["kernel": [3, 3, 5, 4], "bias": [5]]), [4, 5, 4]),
        ("depthwise, multiplier 2", .depthwiseConvolution(window: window([3, 3], .same), multiplier: 2, activation: .linear),
         weights(["depthwise_kernel": [3, 3, 5, 2]]), [6, 7, 5]),
        ("separable", .separableConvolution(window: window([3, 3], .valid), multiplier: 1, activation: .linear),
         weights(["depthwise_kernel": [3, 3, 4, 1], "pointwise_kernel": [1, 1, 4, 9], "bias": [9]]), [6, 6, 4]),
        ("dense", .dense(activation: .linear), weights(["kernel": [10, 7], "bias": [7]]), [10]),
    ]

    @Test(arguments: cases.indices)
    func foldedPlanMatchesTheLayers(_ index: Int) throws {
        let (name, op, weights, shape) = Self.cases[index]
        for activation in [Activation.relu, .relu6, .sigmoid] {
            let model = try Model(Self.chain(op, weights: weights, input: shape, activationLayer: activation))
            #expect(model.inference.steps.map(\.name) == ["x", "act"], "\(name): conv, bn and activation are one step")
            let x = Self.input([3] + shape)
            let folded = try model.run([x]).outputs[0]
            // Naming an absorbed layer runs the plan that keeps every layer.
            let layered = try model.run([x], capture: ["layer", "bn"])
            expectClose(folded, layered.outputs[0], "\(name), \(activation)", atol: 1e-5, rtol: 1e-5)
            #expect(layered.layers["layer"]?.shape == [3] + model.graph.nodes[1].outputShape)
            // Batch-size independence: one sample at a time gives the same bits.
            for sample in 0..<3 {
                #expect(try model.run([x.samples(sample..<(sample + 1))]).outputs[0].scalars
                        == Array(folded.scalars[(sample * folded.count / 3)..<((sample + 1) * folded.count / 3)]))
            }
        }
    }

    @Test func normalizationWithoutActivationLayerIsFoldedAlone() throws {
        let (_, op, weights, shape) = Self.cases[0]
        let model = try Model(Self.chain(op, weights: weights, input: shape, activationLayer: nil))
        #expect(model.inference.steps.map(\.name) == ["x", "bn"])
        let x = Self.input([2] + shape)
        expectClose(try model.run([x]).outputs[0], try model.run([x], capture: ["layer"]).outputs[0], atol: 1e-5, rtol: 1e-5)
    }

    @Test func sharedOrActivatedLayersAreNotFolded() throws {
        let (_, op, weights, shape) = Self.cases[0]
        // The normalization feeds two layers: the activation is not absorbed, the normalization still is.
        let shared = try Model(Self.chain(op, weights: weights, input: shape, extraReaderOfNorm: true))
        #expect(shared.inference.steps.map(\.name) == ["x", "bn", "act", "other"])
        // A layer with its own activation cannot take the normalization after it; the normalization, a step of
        // its own, takes the activation layer after it.
        let activated = try Model(Self.chain(op.replacingFusedActivation(with: .relu), weights: weights, input: shape))
        #expect(activated.inference.steps.map(\.name) == ["x", "layer", "act"])
    }

    /// A normalization that cannot fold into the layer before (DenseNet's and ResNetV2's pre-activations read a
    /// concatenation or an Add) applies the activation after it as it writes (`Kernel.applying`): one step, named
    /// as the activation, with the unfused plan's bits at every batch size.
    @Test(arguments: [Activation.relu, .relu6, .sigmoid, .swish, .softmax(axis: -1)])
    func standaloneNormalizationTakesTheActivationAfterIt(_ activation: Activation) throws {
        let (_, op, weights, shape) = Self.cases[0]
        let model = try Model(Self.chain(op.replacingFusedActivation(with: .relu), weights: weights, input: shape,
                                         activationLayer: activation))
        let elementwise = if case .elementwise = activation.implementation { true } else { false }
        #expect(model.inference.steps.map(\.name) == (elementwise ? ["x", "layer", "act"] : ["x", "layer", "bn", "act"]))
        let x = Self.input([5] + shape)
        let fused = try model.run([x]).outputs[0]
        #expect(fused.scalars == (try model.run([x], capture: ["bn"]).outputs[0]).scalars, "\(activation)")
        for sample in 0..<5 {
            #expect(try model.run([x.samples(sample..<(sample + 1))]).outputs[0].scalars
                    == Array(fused.scalars[(sample * fused.count / 5)..<((sample + 1) * fused.count / 5)]))
        }
    }

    /// MNIST-1D's output is a dense layer with a built-in softmax: its linear part (the logit score) is a step of the
    /// inference plan, so scoring logits runs through the inference kernels, with the gradient plan's values.
    @Test func theOutputsLogitIsAnInferenceStep() throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path("MNIST1D.h5")))
        #expect(model.inference.position["dense" + Plan.preactivationSuffix] != nil)
        let x = try FixtureManifest.array("mnist1d_test_x.npy").samples(0..<8)
        let fast = try model.scores([x], target: .logit)
        let reference = try model.gradients([x], target: .logit, withRespectTo: ["conv1d_2"])
        #expect(fast.classes == reference.classes)
        for (a, b) in zip(fast.scores, reference.scores) { #expect(abs(a - b) <= 1e-5 + 1e-5 * abs(b)) }
        #expect(try model.predict(x) == model.run([x]).outputs[0])
    }

    /// `x → pad → depthwise 3×3 stride 2 valid`: pads equal to what `same` adds for the input (here (0, 1) along the
    /// even axis and (1, 1) along the odd one, as Keras's MobileNets pad) become the layer's `same` padding; ResNet's
    /// symmetric pads, which `same` would not add, stay a layer.
    @Test(arguments: [([[0, 1], [1, 1]], true), ([[1, 1], [1, 1]], false)])
    func zeroPaddingThatSamePaddingAddsIsFolded(_ c: ([[Int]], Bool)) throws {
        let (pads, folds) = c
        let input = [8, 9, 5]
        let op = Op.depthwiseConvolution(window: window([3, 3], strides: [2, 2], .valid), multiplier: 1, activation: .linear)
        let weights = Self.weights(["depthwise_kernel": [3, 3, 5, 1], "bias": [5]])
        var layers = TestGraph(input: input)
        try layers.add("pad", .zeroPadding(pads: pads), ["x"])
        try layers.add("dw", op, ["pad"], weights)
        let model = try Model(layers.graph(outputs: ["dw"]))
        #expect(model.inference.steps.map(\.name) == (folds ? ["x", "dw"] : ["x", "pad", "dw"]))
        let x = Self.input([3] + input)
        let fast = try model.run([x]).outputs[0]
        // Naming the padding runs the plan that keeps every layer.
        expectClose(fast, try model.run([x], capture: ["pad"]).outputs[0], atol: 1e-6, rtol: 1e-6)
        #expect(try model.run([x.samples(1..<2)]).outputs[0].scalars == Array(fast.scalars[(fast.count / 3)..<(2 * fast.count / 3)]))
    }

    /// `x → conv → bn → add(bn, x) → relu`, the Add's inputs in either order: one step, the shortcut added before the
    /// ReLU, in registers (1×1 and 5×5, the direct kernel's pointwise and banded paths) or in a pass after the kernel
    /// (3×3 with 16 channels, Winograd); a
    /// convolution something else also reads stays a step, and so do the Add and ReLU after it.
    @Test(arguments: [([1, 1], false, false), ([3, 3], true, false), ([5, 5], false, false), ([1, 1], false, true)])
    func residualConnectionFoldsIntoTheConvolution(_ c: ([Int], Bool, Bool)) throws {
        let (size, shortcutFirst, convolutionReadTwice) = c
        let shape = [6, 7, 16]
        var layers = TestGraph(input: shape)
        try layers.add("conv", .convolution(window: window(size, .same), activation: .linear), ["x"],
                Self.weights(["kernel": size + [16, 16], "bias": [16]]))
        var statistics = Self.weights(["gamma": [16], "beta": [16], "moving_mean": [16]])
        statistics["moving_variance"] = Tensor(shape: [16], scalars: (0..<16).map { 0.5 + Float($0) / 16 })
        try layers.add("bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["conv"], statistics)
        try layers.add("add", .merge(.add), shortcutFirst ? ["x", "bn"] : ["bn", "x"])
        try layers.add("out", .activation(.relu), ["add"])
        var outputs = ["out"]
        if convolutionReadTwice {
            try layers.add("other", .activation(.sigmoid), ["bn"])
            outputs.append("other")
        }
        let model = try Model(layers.graph(outputs: outputs))
        #expect(model.inference.steps.map(\.name) == (convolutionReadTwice ? ["x", "bn", "add", "out", "other"] : ["x", "out"]))
        let x = Self.input([3] + shape)
        let fast = try model.run([x]).outputs[0]
        expectClose(fast, try model.run([x], capture: ["add"]).outputs[0], atol: 1e-5, rtol: 1e-5)
        #expect(try model.run([x.samples(2..<3)]).outputs[0].scalars == Array(fast.scalars[(2 * fast.count / 3)...]))
    }
}
