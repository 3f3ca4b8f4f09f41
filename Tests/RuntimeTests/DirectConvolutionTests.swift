import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// The AVX-512 convolution kernel's edges: blocks of 8 positions plus a remainder, filter counts that leave part
/// of a 16- or 32-filter register block masked, a second block of 32 filters, padding on both sides, stride, and
/// the fused ReLU. On a CPU without AVX-512 the same cases check the im2col path.
@Suite struct DirectConvolutionTests {
    /// Input 1…11 along one axis, window of 3 ones (`same`): the window sums are 3, 6, 9, …, 30, 21. Filter f
    /// scales them by (f + 1) and adds bias −f, so every filter count exercises a different mask.
    @Test(arguments: [1, 17, 33, 40])
    func blockRemainderAndMaskedFilters(filters: Int) throws {
        let sums: [Float] = [3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 21]
        let kernel = (0..<3).flatMap { _ in (0..<filters).map { Float($0 + 1) } }
        let bias = (0..<filters).map { -Float($0) }
        let y = try runOp(.convolution(window: window([3], .same), activation: .relu), input: tensor([1, 11, 1], (1...11).map(Float.init)),
                          weights: ["kernel": tensor([3, 1, filters], kernel), "bias": tensor([filters], bias)])
        let expected = sums.flatMap { sum in (0..<filters).map { max(sum * Float($0 + 1) - Float($0), 0) } }
        expectClose(y, tensor([1, 11, filters], expected))
    }

    /// A 2×2 kernel with stride 2 over a 3×3 `same` input (pads one row and one column at the end) with two input
    /// channels: each output sums its window's channel-0 values minus its channel-1 values (all ones, so minus the
    /// count of covered positions).
    @Test func strideTwoPaddingAndChannels() throws {
        let input: [Float] = (1...9).flatMap { [Float($0), 1] }
        let kernel = Tensor(shape: [2, 2, 2, 1], scalars: [1, -1, 1, -1, 1, -1, 1, -1])
        let y = try runOp(.convolution(window: window([2, 2], strides: [2, 2], .same), activation: .linear),
                          input: tensor([1, 3, 3, 2], input), weights: ["kernel": kernel])
        // Windows: {1,2,4,5} → 12 − 4; {3,6} → 9 − 2; {7,8} → 15 − 2; {9} → 9 − 1.
        expectClose(y, tensor([1, 2, 2, 1], [8, 7, 13, 8]))
    }

    /// 1×1 layers run the direct kernel over chunks of positions across row ends (`forwardPointwise`): against
    /// im2col + sgemm for every instruction set this CPU has, with rows shorter than a register block, one chunk or
    /// several, masked filter blocks, bias or none, fused ReLU and ReLU6 (sums beyond 6 with 96 channels), an
    /// activation applied after the kernel, and stride 2 over even and odd sizes (positions gathered first), with and
    /// without a residual input. One image alone is split by filters over the cores where a batch of two is not: the
    /// same bits either way.
    @Test(arguments: [(7, 7, 64, 40, Activation.relu, true, 1), (3, 5, 3, 17, .linear, false, 1), (30, 30, 8, 33, .sigmoid, true, 1),
                      (14, 14, 300, 16, .relu, true, 1), (6, 5, 96, 24, .relu6, true, 1),
                      (5, 6, 96, 40, .clippedReLU(maxValue: 6, negativeSlope: 0, threshold: 0), false, 1),
                      (14, 14, 64, 130, .relu, true, 2), (7, 9, 40, 70, .sigmoid, true, 2), (8, 9, 40, 24, .hardSilu, true, 1), (9, 8, 24, 40, .swish, true, 2)],
          VectorISA.available)
    func pointwiseMatchesIm2col(_ c: (Int, Int, Int, Int, Activation, Bool, Int), isa: VectorISA) throws {
        let (height, width, channels, filters, activation, hasBias, stride) = c
        let (outHeight, outWidth) = ((height - 1) / stride + 1, (width - 1) / stride + 1)
        let shapes = KernelShapes(inputs: [[height, width, channels]], output: [outHeight, outWidth, filters])
        let kernel = Tensor(shape: [1, 1, channels, filters], scalars: (0..<(channels * filters)).map { Float(($0 * 37) % 101) / 50 - 1 })
        let bias = hasBias ? Tensor(shape: [filters], scalars: (0..<filters).map { Float($0 % 7) / 10 - 0.3 }) : nil
        let window = window([1, 1], strides: [stride, stride], .valid)
        let fast = ConvolutionKernel(kernel: kernel, bias: bias, window: window, activation: activation, shapes: shapes, isa: isa)
        let reference = ConvolutionKernel(kernel: kernel, bias: bias, window: window, activation: activation, shapes: shapes, isa: nil)
        #expect(fast.direct?.isa == isa && fast.direct?.geometry.readsOnePosition == true)
        let batch = 2
        let input = (0..<(batch * height * width * channels)).map { Float(($0 * 53) % 97) / 48 - 1 }
        let count = batch * outHeight * outWidth * filters
        var expected = [Float](repeating: 0, count: count), actual = [Float](repeating: -7, count: count)
        var single = [Float](repeating: -7, count: count / batch)
        input.withUnsafeBufferPointer { x in
            reference.forward([x.baseAddress!], &expected, batch: batch)
            fast.forward([x.baseAddress!], &actual, batch: batch)
            fast.forward([x.baseAddress! + height * width * channels], &single, batch: 1)
        }
        expectClose(tensor([count], actual), tensor([count], expected), "\(c) \(isa)", atol: 1e-4)
        #expect(Array(actual[(count / batch)...]) == single, "the second sample alone gives the same bits")
        // A residual connection folded in (a second input added before the activation): in registers here, in a
        // pass after im2col.
        let residual = (0..<count).map { Float(($0 * 29) % 89) / 30 - 1.5 }
        input.withUnsafeBufferPointer { x in
            residual.withUnsafeBufferPointer { r in
                reference.forward([x.baseAddress!, r.baseAddress!], &expected, batch: batch)
                fast.forward([x.baseAddress!, r.baseAddress!], &actual, batch: batch)
            }
        }
        expectClose(tensor([count], actual), tensor([count], expected), "\(c) \(isa) with a residual", atol: 1e-4)
    }

    /// Layers with a window against im2col + sgemm for every instruction set this CPU has, on both of the direct
    /// kernel's paths: padded bands (output rows of 40) and chunks of copied windows (rows narrower than four
    /// register blocks: InceptionV3's 1×3, 3×1 and 5×5 layers at 5×5 and 12×12; rows of 35, which AVX-512 runs in
    /// blocks of 7, as it does the 7 × 7 positions of the pointwise test above), with `same` and `valid` padding,
    /// stride 2, dilation, 1-D, masked filter blocks, ReLU in registers and sigmoid after the kernel, and kernels of
    /// more than one pass (KL_PASS taps × channels; passes ending inside a tap) over rows of more than one group of
    /// register blocks (KL_GROUP) with a tail. Bands read a kernel row as one tap without dilation across (a 7×7
    /// stride-2 stem on 3 channels), one tap per column with it. One image alone
    /// (split by filters where a batch of two is not) gives the same bits as inside the batch.
    @Test(arguments: [([5, 5, 384], [1, 3], 1, 1, Padding.same, 70, Activation.relu, false),
                      ([5, 5, 48], [3, 1], 1, 1, .same, 33, .sigmoid, false),
                      ([12, 12, 48], [5, 5], 1, 1, .same, 64, .relu, false),
                      ([12, 13, 20], [3, 3], 2, 1, .valid, 17, .linear, false),
                      ([9, 12, 8], [3, 3], 1, 2, .same, 40, .relu, false),
                      ([1, 20, 6], [1, 5], 1, 1, .same, 24, .relu, false),
                      ([6, 40, 12], [3, 3], 1, 1, .same, 40, .relu, true),
                      ([6, 40, 12], [3, 3], 1, 1, .same, 24, .hardSilu, true), ([6, 40, 10], [3, 3], 1, 1, .same, 20, .swish, true),
                      ([7, 81, 5], [3, 3], 2, 1, .same, 33, .sigmoid, true), ([3, 35, 12], [3, 3], 1, 1, .same, 40, .relu, true),
                      ([4, 70, 40], [3, 3], 1, 1, .same, 24, .relu, true), ([9, 75, 3], [7, 7], 2, 1, .valid, 40, .relu, true),
                      ([7, 40, 12], [3, 3], 1, 2, .same, 33, .relu, true)],
          VectorISA.available)
    func windowedMatchesIm2col(_ c: ([Int], [Int], Int, Int, Padding, Int, Activation, Bool), isa: VectorISA) throws {
        let (input, size, stride, dilation, padding, filters, activation, banded) = c
        let window = Window(size: size, strides: [stride, stride], dilations: [dilation, dilation], padding: padding)
        let kernel = Tensor(shape: size + [input[2], filters],
                            scalars: (0..<(size[0] * size[1] * input[2] * filters)).map { Float(($0 * 37) % 101) / 50 - 1 })
        let bias = Tensor(shape: [filters], scalars: (0..<filters).map { Float($0 % 7) / 10 - 0.3 })
        let output = try Op.convolution(window: window, activation: .linear).outputShape(inputs: [input], weights: ["kernel": kernel])
        let shapes = KernelShapes(inputs: [input], output: output)
        let fast = ConvolutionKernel(kernel: kernel, bias: bias, window: window, activation: activation, shapes: shapes, isa: isa,
                                     winograd: false)
        let reference = ConvolutionKernel(kernel: kernel, bias: bias, window: window, activation: activation, shapes: shapes, isa: nil)
        #expect(fast.direct?.isa == isa && fast.direct?.runsOnPatches == !banded)
        let batch = 2, inputCount = input.reduce(1, *), count = batch * output.reduce(1, *)
        let x = (0..<(batch * inputCount)).map { Float(($0 * 53) % 97) / 48 - 1 }
        var expected = [Float](repeating: 0, count: count), actual = [Float](repeating: -7, count: count)
        var single = [Float](repeating: -7, count: count / batch)
        x.withUnsafeBufferPointer { x in
            reference.forward([x.baseAddress!], &expected, batch: batch)
            fast.forward([x.baseAddress!], &actual, batch: batch)
            fast.forward([x.baseAddress! + inputCount], &single, batch: 1)
        }
        expectClose(tensor([count], actual), tensor([count], expected), "\(c) \(isa)", atol: 1e-4)
        #expect(Array(actual[(count / batch)...]) == single, "the second sample alone gives the same bits")
    }

    /// A stride-1 convolution's backward pass through the direct kernel on its adjoint (`DirectConvolution.adjoint`),
    /// or Winograd's for 3×3 layers with at least 16 filters (`WinogradConvolution.adjoint`; `valid` padding makes
    /// its adjoint pad by 2, odd sizes leave half tiles), against im2col's adjoint: odd kernels with `same` and
    /// `valid` padding, an even kernel (padding more after than before), dilation, 1-D, pointwise, rows shorter than
    /// a register block, masked filter blocks (the adjoint's filters are the layer's input channels), and an adjoint of
    /// several passes (3 taps × 100 channels) adding into the gradient over rows of more than one group of blocks.
    @Test(arguments: [([9, 11, 5], [3, 3], [1, 1], Padding.same, 40), ([6, 7, 17], [3, 3], [1, 1], .valid, 8),
                      ([7, 9, 21], [3, 3], [1, 1], .valid, 24), ([30, 29, 3], [3, 3], [1, 1], .same, 16),
                      ([8, 10, 3], [4, 2], [1, 1], .same, 33), ([12, 9, 4], [3, 3], [2, 2], .same, 16),
                      ([20, 6], [5], [1], .same, 7), ([5, 3, 24], [1, 1], [1, 1], .valid, 36), ([3, 2, 2], [3, 3], [1, 1], .same, 3),
                      ([5, 70, 30], [3, 1], [1, 1], .same, 100)],
          VectorISA.available)
    func adjointMatchesIm2colAdjoint(_ c: ([Int], [Int], [Int], Padding, Int), isa: VectorISA) throws {
        let (input, size, dilations, padding, filters) = c
        try expectBackwardMatchesIm2col(input: input, window: window(size, dilations: dilations, padding), filters: filters, isa: isa)
    }

    /// A strided convolution's backward pass (`StridedAdjoint`) against im2col's adjoint: windows that cannot
    /// overlap (1×1 and 2×2 at stride 2: chunks split by columns, one image's few positions and many filters too)
    /// and ones that do (ResNet's 7×7 stride-2 stem on three channels, 3×3 stride 2, stride 2 across rows only,
    /// 1-D, dilation: bands run every other one at a time, several bands per image).
    @Test(arguments: [([14, 14, 64], [1, 1], [2, 2], [1, 1], Padding.valid, 96), ([7, 9, 40], [1, 1], [2, 2], [1, 1], .same, 300),
                      ([10, 12, 6], [2, 2], [2, 2], [1, 1], .valid, 20), ([40, 24, 3], [7, 7], [2, 2], [1, 1], .same, 16),
                      ([23, 17, 8], [3, 3], [2, 2], [1, 1], .same, 24), ([21, 13, 5], [3, 3], [2, 1], [1, 1], .valid, 9),
                      ([50, 7], [5], [3], [1], .same, 12), ([19, 19, 4], [3, 3], [2, 2], [2, 2], .same, 17)],
          VectorISA.available)
    func stridedAdjointMatchesIm2colAdjoint(_ c: ([Int], [Int], [Int], [Int], Padding, Int), isa: VectorISA) throws {
        let (input, size, strides, dilations, padding, filters) = c
        try expectBackwardMatchesIm2col(input: input, window: window(size, strides: strides, dilations: dilations, padding),
                                        filters: filters, isa: isa)
    }

    /// A convolution over at most four input channels (`GatheredAdjoint`: each input value's gradient a dot product
    /// over the windows reading it) against im2col's adjoint: an RGB image's 3×3 `same` and 7×7 stride-2 stems, one
    /// and two channels, 1-D (MNIST-1D's first layer), strides longer than the window (inputs no window reads), an
    /// even kernel, dilation, strides along one axis, filters not a multiple of two vectors and more than four
    /// vectors; rows of one position and fewer input columns than a stride. Fewer filters than two vectors (5, 8, 17
    /// or 24 with AVX-512) stay on the other adjoints, checked all the same.
    @Test(arguments: [([17, 19, 3], [3, 3], [1, 1], [1, 1], Padding.same, 64), ([40, 24, 3], [7, 7], [2, 2], [1, 1], .valid, 64),
                      ([9, 8, 1], [3, 3], [1, 1], [1, 1], .valid, 5), ([40, 1], [5], [1], [1], .same, 64),
                      ([11, 10, 2], [1, 1], [3, 2], [1, 1], .valid, 40), ([8, 10, 4], [4, 2], [1, 1], [1, 1], .same, 33),
                      ([12, 13, 3], [3, 3], [1, 1], [2, 3], .same, 17), ([15, 9, 3], [3, 3], [2, 1], [1, 1], .same, 100),
                      ([1, 1, 3], [3, 3], [2, 2], [1, 1], .same, 8), ([5, 2, 4], [2, 2], [3, 3], [1, 1], .same, 24)],
          VectorISA.available)
    func gatheredAdjointMatchesIm2colAdjoint(_ c: ([Int], [Int], [Int], [Int], Padding, Int), isa: VectorISA) throws {
        let (input, size, strides, dilations, padding, filters) = c
        try expectBackwardMatchesIm2col(input: input, window: window(size, strides: strides, dilations: dilations, padding),
                                        filters: filters, isa: isa)
    }

    /// The backward pass with `isa`'s adjoint kernel against im2col's adjoint. The gradient already holds values (a
    /// tensor feeding two layers), which must be added to, and a sample alone gives the same bits as inside a batch;
    /// a kernel that writes every input value (`storesFirstInputGradient`) stores the same values into garbage.
    private func expectBackwardMatchesIm2col(input: [Int], window: Window, filters: Int, isa: VectorISA) throws {
        let channels = input.last!, taps = window.size.reduce(1, *)
        let kernel = Tensor(shape: window.size + [channels, filters], scalars: (0..<(taps * channels * filters)).map { Float(($0 * 37) % 101) / 50 - 1 })
        let output = try Op.convolution(window: window, activation: .linear).outputShape(inputs: [input], weights: ["kernel": kernel])
        let shapes = KernelShapes(inputs: [input], output: output)
        let fast = ConvolutionKernel(kernel: kernel, bias: nil, window: window, activation: .linear, shapes: shapes, isa: nil, adjointISA: isa)
        let reference = ConvolutionKernel(kernel: kernel, bias: nil, window: window, activation: .linear, shapes: shapes, isa: nil)
        let strided = window.strides.contains { $0 > 1 }, dilated = window.dilations.contains { $0 > 1 }
        let winograd = !strided && window.size == [3, 3] && window.dilations == [1, 1] && filters >= 16
        if channels <= GatheredAdjoint.mostChannels && filters >= isa.filterBlock && !(strided && dilated) {
            #expect(fast.gatheredAdjoint?.isa == isa && fast.adjoint == nil && fast.winogradAdjoint == nil && fast.stridedAdjoint == nil)
        } else if strided {
            #expect(fast.stridedAdjoint?.products.isa == isa && fast.adjoint == nil && fast.winogradAdjoint == nil)
        } else if winograd {
            #expect(fast.winogradAdjoint?.isa == isa && fast.adjoint == nil)
        } else {
            #expect(fast.adjoint?.isa == isa && fast.winogradAdjoint == nil)
        }
        #expect(reference.adjoint == nil && reference.stridedAdjoint == nil && reference.winogradAdjoint == nil
                && reference.gatheredAdjoint == nil)
        let batch = 2, inputCount = input.reduce(1, *), outputCount = output.reduce(1, *)
        let x = [Float](repeating: 0, count: batch * inputCount)  // backward reads no input
        let g = (0..<(batch * outputCount)).map { Float(($0 * 53) % 97) / 48 - 1 }
        let earlier = (0..<(batch * inputCount)).map { Float($0 % 5) - 2 }
        var expected = earlier, actual = earlier, single = Array(earlier[inputCount...])
        var stored = [Float](repeating: .nan, count: batch * inputCount)
        x.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                let y = g.baseAddress!  // backward reads no output either
                expected.withUnsafeMutableBufferPointer { reference.backward([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch) }
                actual.withUnsafeMutableBufferPointer { fast.backward([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch) }
                single.withUnsafeMutableBufferPointer { fast.backward([x.baseAddress!], y, g.baseAddress! + outputCount, [$0.baseAddress!], batch: 1) }
                guard fast.storesFirstInputGradient else { return }
                stored.withUnsafeMutableBufferPointer {
                    fast.backwardStoringFirstInputGradient([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch, trace: nil)
                }
            }
        }
        expectClose(tensor([actual.count], actual), tensor([expected.count], expected), "\(input) \(window) \(isa)", atol: 1e-4)
        #expect(Array(actual[inputCount...]) == single, "the second sample alone gives the same bits")
        if fast.storesFirstInputGradient {
            let added = zip(earlier, stored).map { $0 + $1 }
            expectClose(tensor([added.count], added), tensor([expected.count], expected), "stored: \(input) \(window) \(isa)", atol: 1e-4)
        }
    }

    /// Activations other than ReLU run after the kernel: sigmoid of the window sums of zeros is one half.
    @Test func otherActivationAfterTheKernel() throws {
        let y = try runOp(.convolution(window: window([3], .valid), activation: .sigmoid), input: tensor([2, 12, 1], Array(repeating: 0, count: 24)),
                          weights: ["kernel": tensor([3, 1, 1], [1, 1, 1])])
        expectClose(y, tensor([2, 10, 1], Array(repeating: 0.5, count: 20)))
    }
}
