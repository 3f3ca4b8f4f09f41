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

    /// The backward pass against its definition, written out: max pooling sends each gradient to the first tap (in
    /// window order) holding the maximum — inputs drawn from five values, so most windows hold ties — and average
    /// pooling spreads it over the covered taps; added to a gradient that already holds values, position after
    /// position, so the bits are equal. Channel counts above and below the kernel's four lanes, one image split into
    /// channel blocks, overlapping windows, `same` padding.
    @Test(arguments: [PoolKind.max, .average], [([7, 9, 37], [3, 3], [2, 2], Padding.valid), ([6, 5, 20], [3, 3], [1, 1], .same),
                                                ([5, 6, 3], [2, 2], [2, 2], .same), ([11, 13], [3], [2], .same)])
    func backwardMatchesTheDefinition(kind: PoolKind, c: ([Int], [Int], [Int], Padding)) throws {
        let (input, size, strides, padding) = c
        let op = Op.pool(kind: kind, window: window(size, strides: strides, padding))
        let output = try op.outputShape(inputs: [input], weights: [:])
        let kernel = PoolKernel(kind: kind, window: window(size, strides: strides, padding), shapes: KernelShapes(inputs: [input], output: output))
        let g = kernel.geometry, batch = 2, inputCount = input.reduce(1, *), outputCount = output.reduce(1, *)
        let x = (0..<(batch * inputCount)).map { Float(($0 * 7) % 5) }
        let gradient = (0..<(batch * outputCount)).map { Float(($0 * 13) % 11) / 8 - 0.6 }
        var y = [Float](repeating: 0, count: batch * outputCount)
        x.withUnsafeBufferPointer { kernel.forward([$0.baseAddress!], &y, batch: batch) }
        let earlier = (0..<(batch * inputCount)).map { Float($0 % 3) - 1 }
        var expected = earlier, actual = earlier
        for sample in 0..<batch {
            for position in 0..<g.positions {
                var taps: [Int] = []
                g.forEachTap(y: position / g.outWidth, x: position % g.outWidth) { _, offset in taps.append(sample * inputCount + offset) }
                for channel in 0..<g.channels {
                    let item = (sample * g.positions + position) * g.channels + channel
                    if kind == .max {
                        let first = taps.first { x[$0 + channel] == y[item] }!
                        expected[first + channel] += gradient[item]
                    } else {
                        for tap in taps { expected[tap + channel] += gradient[item] * (1 / Float(taps.count)) }
                    }
                }
            }
        }
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                gradient.withUnsafeBufferPointer { gradient in
                    actual.withUnsafeMutableBufferPointer {
                        kernel.backward([x.baseAddress!], y.baseAddress!, gradient.baseAddress!, [$0.baseAddress!], batch: batch)
                    }
                }
            }
        }
        #expect(actual == expected, "\(kind) \(c)")
    }
}
