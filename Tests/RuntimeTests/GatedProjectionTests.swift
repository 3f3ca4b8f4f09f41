import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// A squeeze-and-excitation's scaling and the 1×1 projection reading it, fused (`GatedProjectionKernel`), against
/// the merge and the convolution one after the other: the same bits, the gate first or second, with and without a
/// residual, over a batch and for a sample alone, for a layer split by positions and one split by filters, on every
/// instruction set this CPU has.
@Suite struct GatedProjectionTests {
    struct Case: Sendable, CustomStringConvertible {
        var height, width, channels, filters: Int
        var gateFirst = false
        var residual = false
        var activation: Activation = .linear
        var description: String { "\(height)×\(width)×\(channels)→\(filters) gate \(gateFirst ? "first" : "second") residual \(residual) \(activation)" }
    }

    static let cases = [
        Case(height: 28, width: 28, channels: 40, filters: 24),
        Case(height: 7, width: 7, channels: 96, filters: 200, gateFirst: true, residual: true),
        Case(height: 9, width: 5, channels: 13, filters: 17, residual: true, activation: .swish),
    ]

    @Test(arguments: cases, VectorISA.available) func matchesTheMergeAndTheConvolution(_ c: Case, isa: VectorISA) throws {
        func values(_ count: Int, _ salt: Int) -> [Float] { (0..<count).map { Float(($0 * 37 + salt) % 101) / 50 - 1 } }
        let wide = [c.height, c.width, c.channels], gateShape = [1, 1, c.channels], out = [c.height, c.width, c.filters]
        let mergeShapes = KernelShapes(inputs: c.gateFirst ? [gateShape, wide] : [wide, gateShape], output: wide)
        let merge = MergeKernel(kind: .multiply, shapes: mergeShapes)
        let pointwise = Window(size: [1, 1], strides: [1, 1], dilations: [1, 1], padding: .valid)
        let projection = ConvolutionKernel(kernel: tensor([1, 1, c.channels, c.filters], values(c.channels * c.filters, 1).map { $0 / 4 }),
                                           bias: tensor([c.filters], values(c.filters, 2)), window: pointwise, activation: c.activation,
                                           shapes: KernelShapes(inputs: c.residual ? [wide, out] : [wide], output: out), isa: isa)
        let fused = try #require(GatedProjectionKernel(gate: merge, projection: projection))
        #expect(GatedProjectionKernel(gate: MergeKernel(kind: .add, shapes: mergeShapes), projection: projection) == nil)
        #expect(GatedProjectionKernel(gate: MergeKernel(kind: .multiply, shapes: KernelShapes(inputs: [wide, wide], output: wide)),
                                      projection: projection) == nil)

        let batch = 3, wideCount = wide.reduce(1, *), outCount = out.reduce(1, *)
        let x = values(batch * wideCount, 3), gate = values(batch * c.channels, 4), residual = values(batch * outCount, 5)
        var scaled = [Float](repeating: 0, count: batch * wideCount)
        var expected = [Float](repeating: 0, count: batch * outCount), actual = expected
        var single = [Float](repeating: -7, count: outCount)
        x.withUnsafeBufferPointer { x in
            gate.withUnsafeBufferPointer { g in
                residual.withUnsafeBufferPointer { r in
                    let x = x.baseAddress!, g = g.baseAddress!, r = r.baseAddress!
                    let merged = c.gateFirst ? [g, x] : [x, g]
                    merge.forward(merged, &scaled, batch: batch)
                    scaled.withUnsafeBufferPointer { projection.forward([$0.baseAddress!] + (c.residual ? [r] : []), &expected, batch: batch) }
                    fused.forward(merged + (c.residual ? [r] : []), &actual, batch: batch)
                    let second = c.gateFirst ? [g + c.channels, x + wideCount] : [x + wideCount, g + c.channels]
                    fused.forward(second + (c.residual ? [r + outCount] : []), &single, batch: 1)
                }
            }
        }
        #expect(actual == expected, "\(c) \(isa)")
        #expect(single == Array(expected[outCount..<(2 * outCount)]), "the second sample alone, \(c) \(isa)")
    }
}

/// In an inference plan: EfficientNet's `multiply(x, gate) → project conv → BN` is one step named as the
/// normalization, with the unfused layers' answer.
@Suite struct GatedProjectionPlanTests {
    @Test func foldsIntoOneStep() throws {
        var layers = TestGraph(input: [6, 5, 16])
        let w = InferenceFoldingTests.weights(["reduce": [1, 1, 16, 4], "expand": [1, 1, 4, 16], "project": [1, 1, 16, 8]])
        try layers.add("squeeze", .globalPool(kind: .average, keepDims: true), ["x"])
        try layers.add("reduce", .convolution(window: window([1, 1], .valid), activation: .swish), ["squeeze"], ["kernel": w["reduce"]!])
        try layers.add("expand", .convolution(window: window([1, 1], .valid), activation: .sigmoid), ["reduce"], ["kernel": w["expand"]!])
        try layers.add("excite", .merge(.multiply), ["x", "expand"])
        try layers.add("project", .convolution(window: window([1, 1], .valid), activation: .linear), ["excite"], ["kernel": w["project"]!])
        try layers.add("project_bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["project"], TestGraph.normalization(channels: 8))
        let model = try Model(layers.graph(outputs: ["project_bn"]))
        #expect(model.inference.steps.map(\.name) == ["x", "squeeze", "reduce", "expand", "project_bn"])
        #expect(model.inference.steps[4].kernel is GatedProjectionKernel)
        let x = InferenceFoldingTests.input([2, 6, 5, 16])
        let fused = try model.run([x]).outputs[0]
        expectClose(fused, try model.run([x], capture: ["excite"]).outputs[0], atol: 1e-5, rtol: 1e-5)
        #expect(try model.run([x.samples(1..<2)]).outputs[0].scalars == Array(fused.scalars[(fused.count / 2)...]))
    }
}
