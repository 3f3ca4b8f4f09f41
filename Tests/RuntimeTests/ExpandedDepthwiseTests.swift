import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// A 1×1 convolution and the depthwise convolution reading it, fused (`ExpandedDepthwiseKernel`), and with the 1×1
/// projection after them (a residual added), against the kernels one after the other: the same bits, over a batch and for a sample alone (which splits its rows into
/// parts), with images tall enough for several bands per part (bands reuse the rows they share), `same` and
/// `valid` padding, stride 2 (a `valid` window that never reads the last column), activations in registers and
/// after, for every instruction set this CPU has.
@Suite struct ExpandedDepthwiseTests {
    struct Case: Sendable, CustomStringConvertible {
        var height, width, channels, expanded: Int
        var size = 3, stride = 1
        var padding: Padding = .same
        var bias = true
        var expandActivation: Activation = .relu6
        var depthwiseActivation: Activation = .relu6
        var description: String {
            "\(height)×\(width)×\(channels)→\(expanded) k\(size) s\(stride) \(padding) \(expandActivation)/\(depthwiseActivation)"
        }
    }

    static let cases = [
        Case(height: 40, width: 40, channels: 16, expanded: 96),
        Case(height: 41, width: 41, channels: 24, expanded: 40, stride: 2),
        Case(height: 30, width: 26, channels: 8, expanded: 72, stride: 2, padding: .valid, bias: false,
             expandActivation: .swish, depthwiseActivation: .linear),
        Case(height: 17, width: 9, channels: 5, expanded: 33, size: 5, expandActivation: .linear, depthwiseActivation: .swish),
    ]

    @Test(arguments: cases, VectorISA.available) func matchesTheTwoKernels(_ c: Case, isa: VectorISA) throws {
        func values(_ count: Int, _ salt: Int) -> [Float] { (0..<count).map { Float(($0 * 37 + salt) % 101) / 50 - 1 } }
        let pointwise = Window(size: [1, 1], strides: [1, 1], dilations: [1, 1], padding: .valid)
        let window = Window(size: [c.size, c.size], strides: [c.stride, c.stride], dilations: [1, 1], padding: c.padding)
        let expandKernel = tensor([1, 1, c.channels, c.expanded], values(c.channels * c.expanded, 1).map { $0 / 4 })
        let depthwiseKernel = tensor([c.size, c.size, c.expanded, 1], values(c.size * c.size * c.expanded, 2))
        let wide = [c.height, c.width, c.expanded]
        let out = try Op.depthwiseConvolution(window: window, multiplier: 1, activation: .linear)
            .outputShape(inputs: [wide], weights: ["depthwise_kernel": depthwiseKernel])
        let expand = ConvolutionKernel(kernel: expandKernel, bias: c.bias ? tensor([c.expanded], values(c.expanded, 3)) : nil,
                                       window: pointwise, activation: c.expandActivation,
                                       shapes: KernelShapes(inputs: [[c.height, c.width, c.channels]], output: wide), isa: isa)
        let depthwise = DepthwiseConvolutionKernel(kernel: depthwiseKernel, bias: c.bias ? tensor([c.expanded], values(c.expanded, 4)) : nil,
                                                   window: window, multiplier: 1, activation: c.depthwiseActivation,
                                                   shapes: KernelShapes(inputs: [wide], output: out), isa: isa)
        let fused = try #require(ExpandedDepthwiseKernel(expand: expand, depthwise: depthwise, smallest: 0))
        #expect(ExpandedDepthwiseKernel(expand: expand, depthwise: depthwise, smallest: wide.reduce(1, *) + 1) == nil)
        #expect(ExpandedDepthwiseKernel(expand: depthwise, depthwise: expand, smallest: 0) == nil)

        let batch = 3, inputCount = c.height * c.width * c.channels, outputCount = out.reduce(1, *)
        let input = values(batch * inputCount, 5)
        var middle = [Float](repeating: 0, count: batch * wide.reduce(1, *))
        var expected = [Float](repeating: 0, count: batch * outputCount), actual = expected
        var single = [Float](repeating: -7, count: outputCount)
        input.withUnsafeBufferPointer { x in
            expand.forward([x.baseAddress!], &middle, batch: batch)
            middle.withUnsafeBufferPointer { depthwise.forward([$0.baseAddress!], &expected, batch: batch) }
            fused.forward([x.baseAddress!], &actual, batch: batch)
            fused.forward([x.baseAddress! + inputCount], &single, batch: 1)
        }
        #expect(actual == expected, "\(c) \(isa)")
        #expect(single == Array(expected[outputCount..<(2 * outputCount)]), "the second sample alone, \(c) \(isa)")

        // And projected back to the input's channels with a residual added (as `inferenceNodes` folds it).
        let narrow = Array(out.dropLast()) + [c.channels]
        let project = ConvolutionKernel(kernel: tensor([1, 1, c.expanded, c.channels], values(c.expanded * c.channels, 6).map { $0 / 8 }),
                                        bias: c.bias ? tensor([c.channels], values(c.channels, 7)) : nil, window: pointwise,
                                        activation: c.depthwiseActivation, shapes: KernelShapes(inputs: [out, out], output: narrow),
                                        isa: isa)
        let projected = try #require(fused.projecting(project))
        #expect(projected.projecting(project) == nil && fused.projecting(depthwise) == nil)
        let narrowCount = narrow.reduce(1, *)
        let residual = values(batch * narrowCount, 8)
        var expectedProjection = [Float](repeating: 0, count: batch * narrowCount), actualProjection = expectedProjection
        var singleProjection = [Float](repeating: -7, count: narrowCount)
        input.withUnsafeBufferPointer { x in
            residual.withUnsafeBufferPointer { r in
                expected.withUnsafeBufferPointer { project.forward([$0.baseAddress!, r.baseAddress!], &expectedProjection, batch: batch) }
                projected.forward([x.baseAddress!, r.baseAddress!], &actualProjection, batch: batch)
                projected.forward([x.baseAddress! + inputCount, r.baseAddress! + narrowCount], &singleProjection, batch: 1)
            }
        }
        #expect(actualProjection == expectedProjection, "projected, \(c) \(isa)")
        #expect(singleProjection == Array(expectedProjection[narrowCount..<(2 * narrowCount)]), "projected alone, \(c) \(isa)")
    }
}

/// The fusion in an inference plan: MobileNetV2's inverted residual block, `expand → BN → ReLU6 → depthwise → BN →
/// ReLU6 → project → BN → add(input)`, is one step named as the add, with the unfused layers' answer; a wide tensor
/// with a second reader, or one small enough for the cache, stays a step of its own.
@Suite struct ExpandedDepthwisePlanTests {
    static func graph(size: Int, expandAlsoRead: Bool = false) throws -> Graph {
        var layers = TestGraph(input: [size, size, 8])
        let normalization = TestGraph.normalization(channels: 128)
        let relu6 = Op.activation(.clippedReLU(maxValue: 6, negativeSlope: 0, threshold: 0))
        let w = InferenceFoldingTests.weights(["kernel": [1, 1, 8, 128], "depthwise_kernel": [3, 3, 128, 1], "project": [1, 1, 128, 8]])
        let projected = TestGraph.normalization(channels: 8)
        try layers.add("expand", .convolution(window: window([1, 1], .valid), activation: .linear), ["x"], ["kernel": w["kernel"]!])
        try layers.add("expand_bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["expand"], normalization)
        try layers.add("expand_relu", relu6, ["expand_bn"])
        try layers.add("depthwise", .depthwiseConvolution(window: window([3, 3], .same), multiplier: 1, activation: .linear),
                ["expand_relu"], ["depthwise_kernel": w["depthwise_kernel"]!])
        try layers.add("depthwise_bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["depthwise"], normalization)
        try layers.add("depthwise_relu", relu6, ["depthwise_bn"])
        try layers.add("project", .convolution(window: window([1, 1], .valid), activation: .linear), ["depthwise_relu"],
                ["kernel": w["project"]!])
        try layers.add("project_bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["project"], projected)
        try layers.add("add", .merge(.add), ["project_bn", "x"])
        var outputs = ["add"]
        if expandAlsoRead {
            try layers.add("pool", .globalPool(kind: .average, keepDims: false), ["expand_relu"])
            outputs.append("pool")
        }
        return layers.graph(outputs: outputs)
    }

    @Test func foldsIntoOneStep() throws {
        let model = try Model(Self.graph(size: 32))
        #expect(model.inference.steps.map(\.name) == ["x", "add"])
        #expect(model.inference.steps[1].kernel is ExpandedDepthwiseKernel)
        let x = InferenceFoldingTests.input([2, 32, 32, 8])
        let fused = try model.run([x]).outputs[0]
        expectClose(fused, try model.run([x], capture: ["expand_relu"]).outputs[0], atol: 1e-5, rtol: 1e-5)
        #expect(try model.run([x.samples(1..<2)]).outputs[0].scalars == Array(fused.scalars[(fused.count / 2)...]))
    }

    @Test func aSecondReaderOrASmallTensorKeepsTheSteps() throws {
        #expect(try Model(Self.graph(size: 32, expandAlsoRead: true)).inference.steps.map(\.name)
                == ["x", "expand_relu", "depthwise_relu", "add", "pool"])
        #expect(try Model(Self.graph(size: 16)).inference.steps.map(\.name) == ["x", "expand_relu", "depthwise_relu", "add"])
    }
}
