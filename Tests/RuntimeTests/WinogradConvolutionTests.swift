import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Winograd F(2×2, 3×3) against im2col + sgemm on the same layer: odd output sizes (a tile half outside), `same`
/// and `valid` padding, channel and filter counts that leave register blocks masked, bias, fused ReLU and ReLU6
/// and an activation applied after the kernel, bands of several tile rows split by filters, for every instruction set this CPU has (AVX-512 and AVX2 on an AVX-512
/// machine).
@Suite struct WinogradConvolutionTests {
    struct Case: Sendable, CustomStringConvertible {
        var height, width, channels, filters: Int
        var padding: Padding
        var activation: Activation
        var description: String { "\(height)×\(width)×\(channels)→\(filters) \(padding) \(activation)" }
    }

    static let cases = [
        Case(height: 7, width: 9, channels: 16, filters: 1, padding: .same, activation: .relu),
        Case(height: 8, width: 8, channels: 20, filters: 40, padding: .same, activation: .linear),
        Case(height: 6, width: 11, channels: 32, filters: 33, padding: .valid, activation: .relu),
        Case(height: 6, width: 21, channels: 17, filters: 64, padding: .valid, activation: .sigmoid),
        Case(height: 2, width: 2, channels: 64, filters: 16, padding: .same, activation: .relu),
        Case(height: 6, width: 7, channels: 48, filters: 24, padding: .same, activation: .relu6),
        Case(height: 8, width: 6, channels: 32, filters: 20, padding: .same, activation: .hardSilu),
        Case(height: 8, width: 5, channels: 24, filters: 36, padding: .valid, activation: .swish),
        // bands of two tile rows (the last one output row high), each split by filters for one image
        Case(height: 9, width: 13, channels: 16, filters: 400, padding: .same, activation: .relu),
    ]

    @Test(arguments: cases, VectorISA.available) func matchesIm2col(_ c: Case, isa: VectorISA) throws {
        let window = window([3, 3], c.padding)
        let out = c.padding == .same ? [c.height, c.width] : [c.height - 2, c.width - 2]
        let shapes = KernelShapes(inputs: [[c.height, c.width, c.channels]], output: out + [c.filters])
        let kernel = Tensor(shape: [3, 3, c.channels, c.filters],
                            scalars: (0..<(9 * c.channels * c.filters)).map { Float(($0 * 37) % 101) / 50 - 1 })
        let bias = Tensor(shape: [c.filters], scalars: (0..<c.filters).map { Float($0 % 7) / 10 - 0.3 })
        let fast = ConvolutionKernel(kernel: kernel, bias: bias, window: window, activation: c.activation, shapes: shapes, isa: isa)
        let reference = ConvolutionKernel(kernel: kernel, bias: bias, window: window, activation: c.activation, shapes: shapes, isa: nil)
        #expect(fast.winograd?.isa == isa)
        let batch = 2
        let input = (0..<(batch * c.height * c.width * c.channels)).map { Float(($0 * 53) % 97) / 48 - 1 }
        let count = batch * out[0] * out[1] * c.filters
        var expected = [Float](repeating: 0, count: count), actual = [Float](repeating: -7, count: count)
        input.withUnsafeBufferPointer { x in
            reference.forward([x.baseAddress!], &expected, batch: batch)
            fast.forward([x.baseAddress!], &actual, batch: batch)
        }
        expectClose(tensor([count], actual), tensor([count], expected), "\(c) \(isa)")
        // One image alone is split over the cores by filters, not by bands: its result must not change.
        var alone = [Float](repeating: -7, count: count / batch)
        input.withUnsafeBufferPointer { x in fast.forward([x.baseAddress!], &alone, batch: 1) }
        #expect(alone == Array(actual[..<(count / batch)]), "\(c) \(isa): one image alone")
        #expect(c.activation != .relu6 || expected.contains(6), "sums reach the cap, so the clipping is tested")
    }

    /// Winograd runs where it needs at most 16/3 products an output: 7×7 (5.2) and even sizes, not 5×5 (5.8) or 3×3.
    @Test(arguments: [(7, 7, true), (8, 6, true), (2, 2, true), (5, 5, false), (3, 3, false), (5, 7, false)])
    func runsWhereItPays(height: Int, width: Int, winograd: Bool) {
        let shapes = KernelShapes(inputs: [[height, width, 32]], output: [height, width, 16])
        let kernel = Tensor(shape: [3, 3, 32, 16], scalars: [Float](repeating: 0.5, count: 9 * 32 * 16))
        for isa in VectorISA.available {
            let layer = ConvolutionKernel(kernel: kernel, bias: nil, window: window([3, 3], .same), activation: .linear,
                                          shapes: shapes, isa: isa)
            #expect((layer.winograd != nil) == winograd, "\(height)×\(width) \(isa)")
            #expect((layer.direct != nil) == !winograd, "\(height)×\(width) \(isa)")
        }
    }
}
