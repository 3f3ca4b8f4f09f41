import KerasLensGraph
@testable import KerasLensRuntime
import Testing

@Suite struct PoolingTests {
    let signal = tensor([1, 5, 1], [1, 5, 2, -3, 4])

    @Test func maxSameIgnoresPadding() throws {
        let y = try runOp(.pool(kind: .max, window: window([2], strides: [2], .same)), input: signal)
        expectClose(y, tensor([1, 3, 1], [5, 2, 4]))
    }

    @Test func averageSameExcludesPaddingFromTheCount() throws {
        let y = try runOp(.pool(kind: .average, window: window([2], strides: [2], .same)), input: signal)
        expectClose(y, tensor([1, 3, 1], [3, -0.5, 4]))
    }

    @Test func maxValid2D() throws {
        let y = try runOp(.pool(kind: .max, window: window([2, 2], strides: [2, 2], .valid)),
                          input: tensor([1, 3, 3, 1], (1...9).map(Float.init)))
        expectClose(y, tensor([1, 1, 1, 1], [5]))
    }

    @Test func globalAverageAndMax() throws {
        let x = tensor([1, 2, 2, 2], [1, 10, 2, 20, 3, 30, 4, 40])
        expectClose(try runOp(.globalPool(kind: .average, keepDims: false), input: x), tensor([1, 2], [2.5, 25]))
        expectClose(try runOp(.globalPool(kind: .max, keepDims: true), input: x), tensor([1, 1, 1, 2], [4, 40]))
    }

    /// The forward pass against its definition, written out as Swift: the maximum from −∞ by `max(sum, tap)` (a NaN
    /// tap passed over, of equal values the tap, so −0 against +0 picks by order), the sum from 0 times one over the
    /// covered taps. Bit for bit, for the SSE kernel and each instruction set's (four vectors of channels a step),
    /// channel counts that end the SSE kernel's 16-channel, 4-channel and single-channel parts and leave part of the
    /// others' vectors masked, with `same` padding and overlapping windows.
    @Test(arguments: [PoolKind.max, .average], [([7, 9, 37], [3, 3], [2, 2], Padding.valid), ([6, 5, 20], [3, 3], [1, 1], .same),
                                                ([5, 6, 3], [2, 2], [2, 2], .same), ([11, 16], [3], [2], .same), ([4, 1], [2], [1], .valid),
                                                ([5, 4, 70], [3, 3], [2, 2], .same)])
    func forwardMatchesTheDefinition(kind: PoolKind, c: ([Int], [Int], [Int], Padding)) throws {
        for isa in [nil] + VectorISA.available.map(Optional.some) {
            try expectForwardMatchesTheDefinition(kind: kind, c, isa: isa)
        }
    }

    private func expectForwardMatchesTheDefinition(kind: PoolKind, _ c: ([Int], [Int], [Int], Padding), isa: VectorISA?) throws {
        let (input, size, strides, padding) = c
        let op = Op.pool(kind: kind, window: window(size, strides: strides, padding))
        let output = try op.outputShape(inputs: [input], weights: [:])
        let kernel = PoolKernel(kind: kind, window: window(size, strides: strides, padding), shapes: KernelShapes(inputs: [input], output: output),
                                isa: isa)
        let g = kernel.geometry, batch = 2, inputCount = input.reduce(1, *), outputCount = output.reduce(1, *)
        let special: [Float] = [.nan, -0.0, 0.0, 1, -2]
        let x = (0..<(batch * inputCount)).map { special[($0 * 7) % 5] }
        var expected = [Float](repeating: 0, count: batch * outputCount)
        for sample in 0..<batch {
            for position in 0..<g.positions {
                let taps = windowTaps(g, sample: sample, position: position)
                for channel in 0..<g.channels {
                    var value: Float = kind == .max ? -.infinity : 0
                    for tap in taps { value = kind == .max ? max(value, x[tap + channel]) : value + x[tap + channel] }
                    if kind == .average, !taps.isEmpty { value *= 1 / Float(taps.count) }
                    expected[(sample * g.positions + position) * g.channels + channel] = value
                }
            }
        }
        var y = [Float](repeating: 1, count: batch * outputCount)
        x.withUnsafeBufferPointer { kernel.forward([$0.baseAddress!], &y, batch: batch) }
        #expect(y.map(\.bitPattern) == expected.map(\.bitPattern), "\(kind) \(c) \(isa.map { "\($0)" } ?? "SSE")")
    }

    /// Global pooling, forward and backward, against the definition bit for bit: one image and a batch (samples over
    /// the cores), a few channels and many.
    @Test(arguments: [PoolKind.max, .average], [(1, 5), (1, 70), (3, 16), (1, 33)])
    func globalPoolMatchesTheDefinition(kind: PoolKind, c: (Int, Int)) {
        let (batch, channels) = c, positions = 29
        let kernel = GlobalPoolKernel(kind: kind, shapes: KernelShapes(inputs: [[positions, channels]], output: [channels]))
        let x: [Float] = (0..<(batch * positions * channels)).map { (i: Int) -> Float in Float((i * 7) % 5) - Float(i % 3) / 4 }
        let gradient: [Float] = (0..<(batch * channels)).map { (i: Int) -> Float in Float((i * 13) % 11) / 8 - 0.6 }
        var expectedY = [Float](repeating: 0, count: batch * channels)
        var expectedGX = (0..<x.count).map { Float($0 % 3) - 1 }
        var gx = expectedGX
        for sample in 0..<batch {
            for channel in 0..<channels {
                let values = (0..<positions).map { x[(sample * positions + $0) * channels + channel] }
                var value: Float = kind == .max ? -.infinity : 0
                for v in values { value = kind == .max ? max(value, v) : value + v }
                if kind == .average { value *= 1 / Float(positions) }
                expectedY[sample * channels + channel] = value
                let g = gradient[sample * channels + channel]
                for position in 0..<positions where kind == .average {
                    let item: Int = (sample * positions + position) * channels + channel
                    expectedGX[item] += g * (1 / Float(positions))
                }
                if kind == .max, let first = values.firstIndex(of: value) {
                    expectedGX[(sample * positions + first) * channels + channel] += g
                }
            }
        }
        var y = [Float](repeating: 0, count: batch * channels)
        x.withUnsafeBufferPointer { kernel.forward([$0.baseAddress!], &y, batch: batch) }
        #expect(y == expectedY)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                gradient.withUnsafeBufferPointer { gradient in
                    gx.withUnsafeMutableBufferPointer {
                        kernel.backward([x.baseAddress!], y.baseAddress!, gradient.baseAddress!, [$0.baseAddress!], batch: batch)
                    }
                }
            }
        }
        #expect(gx == expectedGX)
    }

    /// The backward pass against its definition, written out: max pooling sends each gradient to the first tap (in
    /// window order) holding the maximum — inputs drawn from five values, so most windows hold ties — and average
    /// pooling spreads it over the covered taps; each input value's contributions summed from 0 in output position
    /// order, then added to a gradient that already holds values (or stored, when the gradient holds none yet): the
    /// same bits, on every instruction set, with the forward pass's trace or without. Channel counts above and below
    /// a vector's lanes, overlapping windows, `same` padding, one-dimensional windows, strides longer than the window
    /// (inputs no window covers).
    @Test(arguments: [PoolKind.max, .average], [([7, 9, 37], [3, 3], [2, 2], Padding.valid), ([6, 5, 20], [3, 3], [1, 1], .same),
                                                ([5, 6, 3], [2, 2], [2, 2], .same), ([11, 13], [3], [2], .same),
                                                ([8, 7, 19], [2, 2], [3, 3], .valid)])
    func backwardMatchesTheDefinition(kind: PoolKind, c: ([Int], [Int], [Int], Padding)) throws {
        let (input, size, strides, padding) = c
        let op = Op.pool(kind: kind, window: window(size, strides: strides, padding))
        let output = try op.outputShape(inputs: [input], weights: [:])
        for isa in [nil] + VectorISA.available.map(Optional.some) {
            let kernel = PoolKernel(kind: kind, window: window(size, strides: strides, padding),
                                    shapes: KernelShapes(inputs: [input], output: output), isa: isa)
            let g = kernel.geometry, batch = 2, inputCount = input.reduce(1, *), outputCount = output.reduce(1, *)
            let x = (0..<(batch * inputCount)).map { Float(($0 * 7) % 5) }
            let gradient = (0..<(batch * outputCount)).map { Float(($0 * 13) % 11) / 8 - 0.6 }
            var y = [Float](repeating: 0, count: batch * outputCount), traced = y
            x.withUnsafeBufferPointer { kernel.forward([$0.baseAddress!], &y, batch: batch) }
            let trace = x.withUnsafeBufferPointer { kernel.forwardKeepingTrace([$0.baseAddress!], &traced, batch: batch) }
            #expect(traced.map(\.bitPattern) == y.map(\.bitPattern))
            let earlier = (0..<(batch * inputCount)).map { Float($0 % 3) - 1 }
            var sums = [Float](repeating: 0, count: batch * inputCount)
            for sample in 0..<batch {
                for position in 0..<g.positions {
                    let taps = windowTaps(g, sample: sample, position: position)
                    for channel in 0..<g.channels {
                        let item = (sample * g.positions + position) * g.channels + channel
                        if kind == .max {
                            let first = taps.first { x[$0 + channel] == y[item] }!
                            sums[first + channel] += gradient[item]
                        } else {
                            for tap in taps { sums[tap + channel] += gradient[item] * (1 / Float(taps.count)) }
                        }
                    }
                }
            }
            let added = zip(earlier, sums).map { $0 + $1 }
            for (trace, storing) in [(nil, false), (trace, false), (trace, true)] as [(AnyObject?, Bool)] {
                var actual = storing ? [Float](repeating: .nan, count: earlier.count) : earlier
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeBufferPointer { y in
                        gradient.withUnsafeBufferPointer { gradient in
                            actual.withUnsafeMutableBufferPointer {
                                if storing {
                                    kernel.backwardStoringFirstInputGradient([x.baseAddress!], y.baseAddress!, gradient.baseAddress!,
                                                                             [$0.baseAddress!], batch: batch, trace: trace)
                                } else {
                                    kernel.backward([x.baseAddress!], y.baseAddress!, gradient.baseAddress!, [$0.baseAddress!],
                                                    batch: batch, trace: trace)
                                }
                            }
                        }
                    }
                }
                #expect(actual.map(\.bitPattern) == (storing ? sums : added).map(\.bitPattern),
                        "\(kind) \(c) \(isa.map { "\($0)" } ?? "SSE") trace: \(trace != nil) storing: \(storing)")
            }
        }
    }

    /// The input offsets (across the batch) of output position `position`'s window taps in sample `sample`, in window
    /// order, the padding left out.
    private func windowTaps(_ g: ConvGeometry, sample: Int, position: Int) -> [Int] {
        var taps: [Int] = []
        g.forEachTap(y: position / g.outWidth, x: position % g.outWidth) { _, offset in taps.append(sample * g.inputCount + offset) }
        return taps
    }

    /// A window of more positions than `Op.maxPoolTaps` is refused when shapes are inferred, not run.
    @Test func oversizedWindowIsRefused() {
        let op = Op.pool(kind: .max, window: window([5_000, 5_000], strides: [1, 1], .same))
        #expect(throws: GraphError.self) { try op.outputShape(inputs: [[8, 8, 3]], weights: [:]) }
    }
}
