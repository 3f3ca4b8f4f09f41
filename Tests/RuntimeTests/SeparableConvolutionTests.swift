import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// The separable convolution's fused forward pass (depthwise band by band into cache, then the direct kernel's 1×1
/// path over it) against the depthwise loops followed by OpenBLAS products: several bands per sample (Xception's
/// 14 rows of 728 channels: 4, 4, 3 and 3 rows on two cores, each band's sums in passes over the channels), filters in
/// more than one register block with the last one partly masked, bands split by filters (one sample), stride 2,
/// 1-D, ReLU in registers and an activation applied after split tasks, for every instruction set this CPU has; and
/// a sample alone gives the same bits as inside the batch.
@Suite struct SeparableConvolutionTests {
    struct Case: Sendable, CustomStringConvertible {
        var spatial: [Int]
        var channels, filters: Int
        var size = 3, stride = 1
        var padding: Padding
        var activation: Activation
        var description: String { "\(spatial)×\(channels)→\(filters) k\(size) s\(stride) \(padding) \(activation)" }
    }

    static let cases = [
        Case(spatial: [20, 40], channels: 200, filters: 70, padding: .same, activation: .relu),
        Case(spatial: [14, 14], channels: 728, filters: 40, padding: .same, activation: .relu),
        Case(spatial: [9, 11], channels: 24, filters: 40, stride: 2, padding: .same, activation: .linear),
        Case(spatial: [7, 7], channels: 48, filters: 100, padding: .valid, activation: .sigmoid),
        Case(spatial: [30], channels: 17, filters: 33, size: 5, padding: .same, activation: .relu6),
    ]

    @Test(arguments: cases, VectorISA.available) func fusedMatchesTheLoopsAndProducts(_ c: Case, isa: VectorISA) throws {
        let (fast, reference, inputCount, outputCount) = try kernels(c, isa: isa, adjointISA: nil)
        #expect(fast.pointwiseDirect != nil && reference.pointwiseDirect == nil)
        let batch = 2
        let input = (0..<(batch * inputCount)).map { Float(($0 * 53) % 97) / 48 - 1 }
        var expected = [Float](repeating: 0, count: batch * outputCount), actual = [Float](repeating: -7, count: batch * outputCount)
        var single = [Float](repeating: -7, count: outputCount)
        input.withUnsafeBufferPointer { x in
            reference.forward([x.baseAddress!], &expected, batch: batch)
            fast.forward([x.baseAddress!], &actual, batch: batch)
            fast.forward([x.baseAddress! + inputCount], &single, batch: 1)
        }
        expectClose(tensor([actual.count], actual), tensor([expected.count], expected), "\(c) \(isa)", atol: 1e-4)
        #expect(Array(actual[outputCount...]) == single, "the second sample alone gives the same bits")
    }

    /// The backward pass with the pointwise product's adjoint on the direct kernel (`pointwiseAdjoint`) and the
    /// depthwise adjoint on its vector kernel, against OpenBLAS products and the depthwise loops: added to a gradient
    /// that already holds values, and a sample alone gives the same bits as inside the batch.
    @Test(arguments: cases, VectorISA.available) func backwardMatchesTheLoopsAndProducts(_ c: Case, isa: VectorISA) throws {
        let (fast, reference, inputCount, outputCount) = try kernels(c, isa: isa, adjointISA: isa)
        #expect(fast.pointwiseAdjoint?.isa == isa && reference.pointwiseAdjoint == nil)
        let batch = 2
        let x = [Float](repeating: 0, count: batch * inputCount)  // the linear halves' backward reads no input
        let g = (0..<(batch * outputCount)).map { Float(($0 * 31) % 83) / 41 - 1 }
        let earlier = (0..<(batch * inputCount)).map { Float($0 % 5) - 2 }
        var expected = earlier, actual = earlier, single = Array(earlier[inputCount...])
        x.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                let y = g.baseAddress!  // nor output
                expected.withUnsafeMutableBufferPointer { reference.backward([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch) }
                actual.withUnsafeMutableBufferPointer { fast.backward([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch) }
                single.withUnsafeMutableBufferPointer { fast.backward([x.baseAddress!], y, g.baseAddress! + outputCount, [$0.baseAddress!], batch: 1) }
            }
        }
        expectClose(tensor([actual.count], actual), tensor([expected.count], expected), "\(c) \(isa)", atol: 1e-4)
        #expect(Array(actual[inputCount...]) == single, "the second sample alone gives the same bits")
    }

    /// The case's kernel on `isa`'s vector kernels (backward on `adjointISA`'s), and the reference on loops and
    /// OpenBLAS; with one sample's input and output element counts.
    private func kernels(_ c: Case, isa: VectorISA, adjointISA: VectorISA?) throws
        -> (fast: SeparableConvolutionKernel, reference: SeparableConvolutionKernel, inputCount: Int, outputCount: Int) {
        let rank = c.spatial.count, ones = [Int](repeating: 1, count: rank)
        let window = Window(size: ones.map { _ in c.size }, strides: ones.map { _ in c.stride }, dilations: ones, padding: c.padding)
        let taps = ones.reduce(1) { product, _ in product * c.size }
        let weights = [
            "depthwise_kernel": Tensor(shape: ones.map { _ in c.size } + [c.channels, 1],
                                       scalars: (0..<(taps * c.channels)).map { Float(($0 * 37) % 101) / 50 - 1 }),
            "pointwise_kernel": Tensor(shape: ones + [c.channels, c.filters],
                                       scalars: (0..<(c.channels * c.filters)).map { Float(($0 * 29) % 89) / 60 - 0.7 }),
            "bias": Tensor(shape: [c.filters], scalars: (0..<c.filters).map { Float($0 % 7) / 10 - 0.3 }),
        ]
        let op = Op.separableConvolution(window: window, multiplier: 1, activation: c.activation)
        let out = try op.outputShape(inputs: [c.spatial + [c.channels]], weights: weights)
        let shapes = KernelShapes(inputs: [c.spatial + [c.channels]], output: out)
        let node = Node(name: "separable", kerasClass: "SeparableConv2D", op: op, inputs: ["x"], weights: weights, outputShape: out)
        let fast = SeparableConvolutionKernel(node: node, window: window, multiplier: 1, activation: c.activation, shapes: shapes,
                                              isa: isa, adjointISA: adjointISA)
        let reference = SeparableConvolutionKernel(node: node, window: window, multiplier: 1, activation: c.activation, shapes: shapes,
                                                   isa: nil)
        return (fast, reference, (c.spatial + [c.channels]).reduce(1, *), out.reduce(1, *))
    }
}
