import COpenBLAS
import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// The depthwise vector kernel against the depthwise loops on the same layer: blocks of 4 positions plus a
/// remainder, channel counts that leave part of a vector masked (and more than one vector), stride 2 with `same`
/// padding on both sides, dilation, bias or none, fused ReLU and an activation applied after the kernel, for every
/// instruction set this CPU has; a sample alone, whose rows are split into more bands, gives the same bits as in the
/// batch (layers of several bands: MobileNetV2's 14 rows of 384 channels and 7 rows of 960).
@Suite struct VectorDepthwiseConvolutionTests {
    struct Case: Sendable, CustomStringConvertible {
        var height, width, channels: Int
        var size = 3, stride = 1, dilation = 1
        var padding: Padding
        var bias = true
        var activation: Activation
        var description: String { "\(height)×\(width)×\(channels) k\(size) s\(stride) d\(dilation) \(padding) \(activation)" }
    }

    static let cases = [
        Case(height: 7, width: 9, channels: 1, padding: .same, activation: .relu),
        Case(height: 8, width: 11, channels: 20, stride: 2, padding: .same, activation: .linear),
        Case(height: 6, width: 13, channels: 33, padding: .valid, bias: false, activation: .relu6),
        Case(height: 9, width: 10, channels: 16, size: 5, stride: 2, padding: .same, activation: .relu),
        Case(height: 7, width: 7, channels: 40, dilation: 2, padding: .same, activation: .sigmoid),
        Case(height: 3, width: 2, channels: 8, padding: .same, bias: false, activation: .linear),
        Case(height: 5, width: 23, channels: 20, padding: .same, activation: .relu6),
        Case(height: 6, width: 30, channels: 17, size: 5, padding: .same, activation: .swish),
        Case(height: 9, width: 27, channels: 24, stride: 2, padding: .valid, bias: false, activation: .relu),
        Case(height: 5, width: 19, channels: 40, size: 5, stride: 2, padding: .same, activation: .hardSilu),
        Case(height: 14, width: 14, channels: 384, padding: .same, activation: .relu6),
        Case(height: 7, width: 7, channels: 960, padding: .same, activation: .relu6),
        Case(height: 30, width: 20, channels: 200, padding: .same, bias: false, activation: .relu),
    ]

    @Test(arguments: cases, VectorISA.available) func matchesTheLoops(_ c: Case, isa: VectorISA) throws {
        let window = Window(size: [c.size, c.size], strides: [c.stride, c.stride], dilations: [c.dilation, c.dilation],
                            padding: c.padding)
        let out = try Op.depthwiseConvolution(window: window, multiplier: 1, activation: .linear)
            .outputShape(inputs: [[c.height, c.width, c.channels]],
                         weights: ["depthwise_kernel": Tensor(shape: [c.size, c.size, c.channels, 1],
                                                              scalars: Array(repeating: 0, count: c.size * c.size * c.channels))])
        let shapes = KernelShapes(inputs: [[c.height, c.width, c.channels]], output: out)
        let kernel = Tensor(shape: [c.size, c.size, c.channels, 1],
                            scalars: (0..<(c.size * c.size * c.channels)).map { Float(($0 * 37) % 101) / 50 - 1 })
        let bias = c.bias ? Tensor(shape: [c.channels], scalars: (0..<c.channels).map { Float($0 % 7) / 10 - 0.3 }) : nil
        let fast = DepthwiseConvolutionKernel(kernel: kernel, bias: bias, window: window, multiplier: 1, activation: c.activation,
                                              shapes: shapes, isa: isa)
        let reference = DepthwiseConvolutionKernel(kernel: kernel, bias: bias, window: window, multiplier: 1,
                                                   activation: c.activation, shapes: shapes, isa: nil)
        #expect(fast.vector?.isa == isa)
        #expect(reference.vector == nil)
        let batch = 2
        let input = (0..<(batch * c.height * c.width * c.channels)).map { Float(($0 * 53) % 97) / 48 - 1 }
        let count = batch * out.reduce(1, *)
        var expected = [Float](repeating: 0, count: count), actual = [Float](repeating: -7, count: count)
        var single = [Float](repeating: -7, count: count / batch)
        input.withUnsafeBufferPointer { x in
            reference.forward([x.baseAddress!], &expected, batch: batch)
            fast.forward([x.baseAddress!], &actual, batch: batch)
            fast.forward([x.baseAddress! + input.count / batch], &single, batch: 1)
        }
        expectClose(tensor([count], actual), tensor([count], expected), "\(c) \(isa)")
        #expect(Array(actual[(count / batch)...]) == single, "the second sample alone (its rows in other bands) gives the same bits")
    }

    /// The gathered backward pass (strided layers, and every layer without a vector kernel) against its definition
    /// written out: each input element adds, tap by tap in window order, the product of the output gradient and the
    /// kernel at every output whose window reads it, each product rounded before it is added. Bit for bit, into a
    /// gradient that already holds values, for channel counts that end the 16-, 4- and 1-channel parts.
    @Test(arguments: cases) func gatheredBackwardMatchesTheDefinition(_ c: Case) throws {
        let window = Window(size: [c.size, c.size], strides: [c.stride, c.stride], dilations: [c.dilation, c.dilation], padding: c.padding)
        let kernel = Tensor(shape: [c.size, c.size, c.channels, 1],
                            scalars: (0..<(c.size * c.size * c.channels)).map { Float(($0 * 37) % 101) / 50 - 1 })
        let out = try Op.depthwiseConvolution(window: window, multiplier: 1, activation: .linear)
            .outputShape(inputs: [[c.height, c.width, c.channels]], weights: ["depthwise_kernel": kernel])
        let layer = DepthwiseConvolutionKernel(kernel: kernel, bias: nil, window: window, multiplier: 1, activation: .linear,
                                               shapes: KernelShapes(inputs: [[c.height, c.width, c.channels]], output: out), isa: nil)
        let geometry = layer.geometry, batch = 2, inputCount = c.height * c.width * c.channels, outputCount = out.reduce(1, *)
        let g: [Float] = (0..<(batch * outputCount)).map { (i: Int) -> Float in Float((i * 53) % 97) / 48 - 1 }
        var expected: [Float] = (0..<(batch * inputCount)).map { (i: Int) -> Float in Float(i % 5) - 2 }
        var actual = expected
        for sample in 0..<batch {
            for y in 0..<c.height {
                for x in 0..<c.width {
                    for channel in 0..<c.channels {
                        var value = expected[((sample * c.height + y) * c.width + x) * c.channels + channel]
                        for ky in 0..<c.size {
                            let top = y + geometry.padTop - ky * c.dilation
                            guard top >= 0, top % c.stride == 0, top / c.stride < geometry.outHeight else { continue }
                            for kx in 0..<c.size {
                                let left = x + geometry.padLeft - kx * c.dilation
                                guard left >= 0, left % c.stride == 0, left / c.stride < geometry.outWidth else { continue }
                                let position: Int = (sample * geometry.outHeight + top / c.stride) * geometry.outWidth + left / c.stride
                                let product: Float = g[position * c.channels + channel] * kernel.scalars[(ky * c.size + kx) * c.channels + channel]
                                value += product
                            }
                        }
                        expected[((sample * c.height + y) * c.width + x) * c.channels + channel] = value
                    }
                }
            }
        }
        let x = [Float](repeating: 0, count: batch * inputCount)
        x.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                actual.withUnsafeMutableBufferPointer {
                    layer.backward([x.baseAddress!], g.baseAddress!, g.baseAddress!, [$0.baseAddress!], batch: batch)
                }
            }
        }
        #expect(actual == expected, "\(c)")
    }

    /// A stride-1 layer's backward pass through the vector kernel on its adjoint (taps flipped) against the loops:
    /// the stride-1 cases above (the strided ones keep the loops), into a gradient that already holds values, and
    /// a sample alone giving the same bits as inside the batch.
    @Test(arguments: cases.filter { $0.stride == 1 }, VectorISA.available) func adjointMatchesTheLoops(_ c: Case, isa: VectorISA) throws {
        let window = Window(size: [c.size, c.size], strides: [1, 1], dilations: [c.dilation, c.dilation], padding: c.padding)
        let kernel = Tensor(shape: [c.size, c.size, c.channels, 1],
                            scalars: (0..<(c.size * c.size * c.channels)).map { Float(($0 * 37) % 101) / 50 - 1 })
        let out = try Op.depthwiseConvolution(window: window, multiplier: 1, activation: .linear)
            .outputShape(inputs: [[c.height, c.width, c.channels]], weights: ["depthwise_kernel": kernel])
        let shapes = KernelShapes(inputs: [[c.height, c.width, c.channels]], output: out)
        let fast = DepthwiseConvolutionKernel(kernel: kernel, bias: nil, window: window, multiplier: 1, activation: .linear,
                                              shapes: shapes, isa: nil, adjointISA: isa)
        let reference = DepthwiseConvolutionKernel(kernel: kernel, bias: nil, window: window, multiplier: 1, activation: .linear,
                                                   shapes: shapes, isa: nil)
        #expect(fast.adjoint?.isa == isa && reference.adjoint == nil)
        let batch = 2, inputCount = c.height * c.width * c.channels, outputCount = out.reduce(1, *)
        let x = [Float](repeating: 0, count: batch * inputCount)  // the backward pass reads no input
        let g = (0..<(batch * outputCount)).map { Float(($0 * 53) % 97) / 48 - 1 }
        let earlier = (0..<(batch * inputCount)).map { Float($0 % 5) - 2 }
        var expected = earlier, actual = earlier, single = Array(earlier[inputCount...])
        x.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                let y = g.baseAddress!  // nor its output
                expected.withUnsafeMutableBufferPointer { reference.backward([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch) }
                actual.withUnsafeMutableBufferPointer { fast.backward([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch) }
                single.withUnsafeMutableBufferPointer { fast.backward([x.baseAddress!], y, g.baseAddress! + outputCount, [$0.baseAddress!], batch: 1) }
            }
        }
        expectClose(tensor([actual.count], actual), tensor([expected.count], expected), "\(c) \(isa)")
        #expect(Array(actual[inputCount...]) == single, "the second sample alone gives the same bits")
    }

    /// The blocks of `kl_depthwise_rows` (8 and 4 positions, each input vector feeding every window that holds it)
    /// and `kl_depthwise_window` (one position, four vectors of channels at a time) against `kl_depthwise_run` on the
    /// same padded rows: the same bits, for windows 3 and 5 wide, strides 1 and 2, runs that leave 0–3 positions over,
    /// channel counts that mask part of a vector (and of the window's four), each way of storing.
    @Test(arguments: VectorISA.available) func rowBlocksGiveTheRunsBits(isa: VectorISA) {
        for channels in [20, 70] {
            for width in [3, 5] {
                for stride in [1, 2] {
                    for positions in [3, 4, 8, 13, 15, 22] {
                        let paddedWidth = (positions - 1) * stride + width, rowFloats = paddedWidth * channels
                        let band = (0..<(width * rowFloats)).map { Float(($0 * 53) % 97) / 48 - 1 }
                        let weights = (0..<(width * width * channels)).map { Float(($0 * 37) % 101) / 50 - 1 }
                        let bias = (0..<channels).map { Float($0 % 7) / 10 - 0.3 }
                        var taps: [Int32] = []
                        for ky in 0..<width { for kx in 0..<width { taps.append(Int32((ky * paddedWidth + kx) * channels)) } }
                        for store in [KL_STORE_SUMS, KL_STORE_RELU6, KL_STORE_HARD_SILU, KL_STORE_SWISH, KL_STORE_ADDING].map(Int32.init) {
                            let earlier = (0..<(positions * channels)).map { Float($0 % 5) - 2 }
                            var expected = earlier, actual = earlier, windows = earlier
                            let withBias = store == Int32(KL_STORE_ADDING) ? nil : bias
                            band.withUnsafeBufferPointer { band in
                                let rows = (0..<width).map { Optional(band.baseAddress! + $0 * rowFloats) }
                                withOptionalPointer(withBias) { bias in
                                    isa.depthwiseRun(band.baseAddress!, taps, Int32(taps.count), Int32(channels), Int32(stride * channels),
                                                     weights, bias, &expected, Int32(positions), store)
                                    let done = Int(isa.depthwiseRows(rows, 0, Int32(width), Int32(width), Int32(stride),
                                                                     Int32(channels), weights, bias, &actual, Int32(positions), store))
                                    #expect(done == positions - positions % 4)
                                    actual.withUnsafeMutableBufferPointer { actual in
                                        isa.depthwiseRun(band.baseAddress! + done * stride * channels, taps, Int32(taps.count),
                                                         Int32(channels), Int32(stride * channels), weights, bias,
                                                         actual.baseAddress! + done * channels, Int32(positions - done), store)
                                    }
                                    windows.withUnsafeMutableBufferPointer { windows in
                                        for x in 0..<positions {
                                            isa.depthwiseWindow(rows, Int32(x * stride), Int32(paddedWidth), Int32(width), Int32(width),
                                                                Int32(channels), weights, bias, windows.baseAddress! + x * channels, store)
                                        }
                                    }
                                }
                            }
                            let label = "width \(width) stride \(stride), \(positions) positions, \(channels) channels, store \(store), \(isa)"
                            #expect(actual == expected, "\(label)")
                            #expect(windows == expected, "windows: \(label)")
                        }
                    }
                }
            }
        }
    }

    /// Hard-swish and swish applied in registers (`KL_HARD_SILU`, `KL_SWISH`) give the bits `HardSilu.value` and
    /// `Swish.value` give the stored sums, around hard-swish's kinks at ±3 too.
    @Test(arguments: VectorISA.available, [Activation.hardSilu, .swish])
    func registerActivationsGiveTheScalarBits(isa: VectorISA, activation: Activation) throws {
        let window = Window(size: [3, 3], strides: [1, 1], dilations: [1, 1], padding: .same)
        let shapes = KernelShapes(inputs: [[6, 17, 24]], output: [6, 17, 24])
        let weights: [Float] = (0..<(9 * 24)).map { i in Float((i * 37) % 101) / 25 - 2 }
        let kernel = Tensor(shape: [3, 3, 24, 1], scalars: weights)
        func layer(_ activation: Activation) -> DepthwiseConvolutionKernel {
            DepthwiseConvolutionKernel(kernel: kernel, bias: nil, window: window, multiplier: 1, activation: activation, shapes: shapes, isa: isa)
        }
        let input: [Float] = (0..<(6 * 17 * 24)).map { i in Float((i * 53) % 97) / 24 - 2 }
        var sums = [Float](repeating: 0, count: input.count), swished = sums
        input.withUnsafeBufferPointer { x in
            layer(.linear).forward([x.baseAddress!], &sums, batch: 1)
            layer(activation).forward([x.baseAddress!], &swished, batch: 1)
        }
        #expect(activation.registerStore != nil)
        #expect(sums.contains { $0 < -3 } && sums.contains { $0 > 3 }, "the sums cross hard-swish's kinks")
        let scalar: any ElementwiseActivation = activation == .swish ? Swish() : HardSilu()
        #expect(swished == sums.map { scalar.value($0) })
    }
}
