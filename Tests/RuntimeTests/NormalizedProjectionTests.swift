import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// A standalone normalization with its activation and the 1×1 convolution reading it, fused
/// (`NormalizedProjectionKernel`), against the two kernels one after the other: the same bits, with and without a
/// residual and an activation, over a batch and for a sample alone, for a layer split by positions and one split by
/// filters, on every instruction set this CPU has.
@Suite struct NormalizedProjectionTests {
    struct Case: Sendable, CustomStringConvertible {
        var height, width, channels, filters: Int
        var residual = false
        var normalizationActivation: Activation? = .relu
        var activation: Activation = .linear
        var description: String {
            "\(height)×\(width)×\(channels)→\(filters) residual \(residual) \(normalizationActivation.map { "\($0)" } ?? "-") \(activation)"
        }
    }

    static let cases = [
        Case(height: 28, width: 28, channels: 96, filters: 128),
        Case(height: 7, width: 7, channels: 1000, filters: 128, residual: true, activation: .relu),
        Case(height: 9, width: 5, channels: 13, filters: 17, residual: true, normalizationActivation: nil, activation: .swish),
    ]

    @Test(arguments: cases, VectorISA.available) func matchesTheNormalizationAndTheConvolution(_ c: Case, isa: VectorISA) throws {
        func values(_ count: Int, _ salt: Int) -> [Float] { (0..<count).map { Float(($0 * 37 + salt) % 101) / 50 - 1 } }
        let wide = [c.height, c.width, c.channels], out = [c.height, c.width, c.filters]
        var affine = AffineKernel(scale: values(c.channels, 6), shift: values(c.channels, 7), inner: 1, count: wide.reduce(1, *))
        if let activation = c.normalizationActivation, case .elementwise(let function) = activation.implementation {
            affine.activation = function
        }
        let pointwise = Window(size: [1, 1], strides: [1, 1], dilations: [1, 1], padding: .valid)
        let projection = ConvolutionKernel(kernel: tensor([1, 1, c.channels, c.filters], values(c.channels * c.filters, 1).map { $0 / 4 }),
                                           bias: tensor([c.filters], values(c.filters, 2)), window: pointwise, activation: c.activation,
                                           shapes: KernelShapes(inputs: c.residual ? [wide, out] : [wide], output: out), isa: isa)
        let fused = try #require(NormalizedProjectionKernel(normalization: affine, projection: projection))
        #expect(NormalizedProjectionKernel(normalization: AffineKernel(scale: [2], shift: [1], inner: 1, count: wide.reduce(1, *)),
                                           projection: projection) == nil)
        #expect(NormalizedProjectionKernel(normalization: AffineKernel(scale: values(c.height, 1), shift: values(c.height, 2),
                                                                       inner: c.width * c.channels, count: wide.reduce(1, *)),
                                           projection: projection) == nil)

        let batch = 3, wideCount = wide.reduce(1, *), outCount = out.reduce(1, *)
        let x = values(batch * wideCount, 3), residual = values(batch * outCount, 5)
        var normalized = [Float](repeating: 0, count: batch * wideCount)
        var expected = [Float](repeating: 0, count: batch * outCount), actual = expected
        var single = [Float](repeating: -7, count: outCount)
        x.withUnsafeBufferPointer { x in
            residual.withUnsafeBufferPointer { r in
                let x = x.baseAddress!, r = r.baseAddress!
                affine.forward([x], &normalized, batch: batch)
                normalized.withUnsafeBufferPointer { projection.forward([$0.baseAddress!] + (c.residual ? [r] : []), &expected, batch: batch) }
                fused.forward([x] + (c.residual ? [r] : []), &actual, batch: batch)
                fused.forward([x + wideCount] + (c.residual ? [r + outCount] : []), &single, batch: 1)
            }
        }
        #expect(actual == expected, "\(c) \(isa)")
        #expect(single == Array(expected[outCount..<(2 * outCount)]), "the second sample alone, \(c) \(isa)")

        // The normalization's input as the parts of a channels-last concatenation: the same bits.
        let widths = c.channels > 32 ? [c.channels - 32 - 8, 8, 32] : [c.channels - 4, 4]
        let positions = batch * c.height * c.width
        var offset = 0
        let parts = widths.map { width in
            defer { offset += width }
            return (0..<positions).flatMap { position in x[(position * c.channels + offset)..<(position * c.channels + offset + width)] }
        }
        var gathered = [Float](repeating: -7, count: batch * outCount)
        withPointers(parts) { parts in
            residual.withUnsafeBufferPointer { r in
                fused.gathering(widths).forward(parts + (c.residual ? [r.baseAddress!] : []), &gathered, batch: batch)
            }
        }
        let different = gathered.indices.first { gathered[$0] != expected[$0] }
        #expect(different == nil, "gathered from parts \(widths), \(c) \(isa): first different value at \(different ?? -1)")
    }

    private func withPointers(_ arrays: [[Float]], _ body: ([UnsafePointer<Float>]) -> Void) {
        var pointers: [UnsafePointer<Float>] = []
        func nest(_ index: Int) {
            guard index < arrays.count else { return body(pointers) }
            arrays[index].withUnsafeBufferPointer { pointers.append($0.baseAddress!); nest(index + 1) }
        }
        nest(0)
    }
}

/// In an inference plan: DenseNet's `bn → relu → 1×1 conv → bn` is one step named as the last normalization, with
/// the unfused layers' answer; a normalization read by two layers (ResNetV2's pre-activation) stays a step.
@Suite struct NormalizedProjectionPlanTests {
    @Test func foldsIntoOneStep() throws {
        var layers = TestGraph(input: [6, 5, 16])
        let w = InferenceFoldingTests.weights(["conv": [1, 1, 16, 8], "a": [1, 1, 16, 8], "b": [1, 1, 16, 8]])
        try layers.add("bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["x"], TestGraph.normalization(channels: 16))
        try layers.add("relu", .activation(.relu), ["bn"])
        try layers.add("conv", .convolution(window: window([1, 1], .valid), activation: .linear), ["relu"], ["kernel": w["conv"]!])
        try layers.add("conv_bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["conv"], TestGraph.normalization(channels: 8))
        try layers.add("preact", .batchNormalization(axis: 3, epsilon: 1e-3), ["x"], TestGraph.normalization(channels: 16))
        try layers.add("preact_relu", .activation(.relu), ["preact"])
        try layers.add("a", .convolution(window: window([1, 1], .valid), activation: .linear), ["preact_relu"], ["kernel": w["a"]!])
        try layers.add("b", .convolution(window: window([1, 1], .valid), activation: .linear), ["preact_relu"], ["kernel": w["b"]!])
        try layers.add("sum", .merge(.add), ["conv_bn", "a", "b"])
        let model = try Model(layers.graph(outputs: ["sum"]))
        let names = model.inference.steps.map(\.name)
        #expect(names.prefix(3) == ["x", "conv_bn", "preact_relu"], "\(names)")
        #expect(model.inference.steps[1].kernel is NormalizedProjectionKernel)
        #expect(!model.inference.steps.dropFirst(2).contains { $0.kernel is NormalizedProjectionKernel })
        let x = InferenceFoldingTests.input([2, 6, 5, 16])
        let fused = try model.run([x]).outputs[0]
        expectClose(fused, try model.run([x], capture: ["relu", "preact_relu"]).outputs[0], atol: 1e-5, rtol: 1e-5)
        #expect(try model.run([x.samples(1..<2)]).outputs[0].scalars == Array(fused.scalars[(fused.count / 2)...]))
    }
}

/// DenseNet's growing concatenations in an inference plan: gathered by their readers, never copied whole, and gone
/// from the plan; the one read by a plain normalization (the last block's) stays. Same answers as the plan with
/// split activations, for a batch and a sample alone, and a request naming a gathered concatenation (a captured
/// layer, a forward pass from it) runs on that plan.
@Suite struct GatheredConcatenationPlanTests {
    @Test func denseBlocksGatherTheirConcatenations() throws {
        var layers = TestGraph(input: [6, 5, 16])
        var channels = 16, current = "x", blockIndex = 0
        func kernel(_ shape: [Int]) -> Tensor {
            var generator = SplitMix64(seed: UInt64(blockIndex * 10 + shape[0]))
            return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -0.5...0.5, using: &generator) })
        }
        func denseLayer() throws {
            blockIndex += 1
            let name = "b\(blockIndex)"
            try layers.add("\(name)_bn0", .batchNormalization(axis: 3, epsilon: 1e-3), [current], TestGraph.normalization(channels: channels))
            try layers.add("\(name)_relu0", .activation(.relu), ["\(name)_bn0"])
            try layers.add("\(name)_1x1", .convolution(window: window([1, 1], .valid), activation: .linear), ["\(name)_relu0"],
                           ["kernel": kernel([1, 1, channels, 12])])
            try layers.add("\(name)_bn1", .batchNormalization(axis: 3, epsilon: 1e-3), ["\(name)_1x1"], TestGraph.normalization(channels: 12))
            try layers.add("\(name)_relu1", .activation(.relu), ["\(name)_bn1"])
            try layers.add("\(name)_3x3", .convolution(window: window([3, 3], .same), activation: .linear), ["\(name)_relu1"],
                           ["kernel": kernel([3, 3, 12, 8])])
            try layers.add("\(name)_concat", .concatenate(axis: 3), [current, "\(name)_3x3"])
            current = "\(name)_concat"
            channels += 8
        }
        for _ in 0..<3 { try denseLayer() }
        try layers.add("transition_bn", .batchNormalization(axis: 3, epsilon: 1e-3), [current], TestGraph.normalization(channels: channels))
        try layers.add("transition_relu", .activation(.relu), ["transition_bn"])
        try layers.add("transition", .convolution(window: window([1, 1], .valid), activation: .linear), ["transition_relu"],
                       ["kernel": kernel([1, 1, channels, 16])])
        (current, channels) = ("transition", 16)
        for _ in 0..<2 { try denseLayer() }
        try layers.add("bn", .batchNormalization(axis: 3, epsilon: 1e-3), [current], TestGraph.normalization(channels: channels))
        try layers.add("relu", .activation(.relu), ["bn"])
        let model = try Model(layers.graph(outputs: ["relu"]))

        let concatenations = model.inference.steps.filter { $0.kernel is ConcatenateKernel }
        #expect(concatenations.map(\.name) == ["b5_concat"], "\(model.inference.steps.map(\.name))")
        #expect(concatenations.first?.inputs.count == 3, "the transition's output and two layers' 8 channels")
        #expect(model.inference.position["b2_concat"] == nil && model.inference.position["b5_concat"] != nil)
        let gathering = model.inference.steps.compactMap { $0.kernel as? NormalizedProjectionKernel }.map(\.widths)
        #expect(gathering.contains([16, 8, 8, 8]), "the transition gathers the first block's four parts: \(gathering)")

        let x = InferenceFoldingTests.input([2, 6, 5, 16])
        let fused = try model.run([x]).outputs[0]
        let split = try model.run([x], capture: ["b2_concat"])
        expectClose(fused, split.outputs[0], atol: 1e-5, rtol: 1e-5)
        #expect(try model.run([x.samples(1..<2)]).outputs[0].scalars == Array(fused.scalars[(fused.count / 2)...]))
        let concatenated = try #require(split.layers["b2_concat"])
        #expect(concatenated.shape == [2, 6, 5, 32])
        let fromConcatenation = try model.forward(from: "b2_concat", substituting: concatenated).outputs[0]
        expectClose(fromConcatenation, fused, atol: 1e-5, rtol: 1e-5)
        let zeroed = try model.forward(from: "b2_concat", substituting: Tensor(shape: concatenated.shape,
                                                                                 scalars: Array(repeating: 0, count: concatenated.count)))
        #expect(zeroed.outputs[0].scalars != fused.scalars, "the substituted concatenation is the one read")
    }
}
