import KerasLensGraph
@testable import KerasLensRuntime
import Testing

@Suite struct NormalizationTests {
    @Test func batchNormalizationOnAMiddleAxis() throws {
        // Axis 1 of a (N, 2, 2) tensor: row r uses statistics r.
        let weights = ["gamma": tensor([2], [1, 2]), "beta": tensor([2], [0, 1]),
                       "moving_mean": tensor([2], [1, 0]), "moving_variance": tensor([2], [4, 1])]
        let y = try runOp(.batchNormalization(axis: 1, epsilon: 0), input: tensor([1, 2, 2], [3, 5, 1, 2]), weights: weights)
        expectClose(y, tensor([1, 2, 2], [1, 2, 3, 5]))
    }

    @Test func batchNormalizationWithoutGammaAndBeta() throws {
        let weights = ["moving_mean": tensor([1], [1]), "moving_variance": tensor([1], [3])]
        let y = try runOp(.batchNormalization(axis: 1, epsilon: 1), input: tensor([1, 1], [5]), weights: weights)
        expectClose(y, tensor([1, 1], [2]))
    }

    /// Rows of three channels run in runs of rows against a repeated scale and shift: the same two operations on every
    /// value as the definition, so the same bits, for a row count that ends in a partial run and over a batch.
    @Test func affineOnRowsOfFewChannelsGivesTheDefinitionsBits() throws {
        let scale: [Float] = [0.017, -1.3, 4.1], shift: [Float] = [-2.1, 0.5, 1e-3]
        for channels in [1, 3, 5] {
            let rows = 2 * 47, x = (0..<(rows * channels)).map { Float(($0 * 37) % 101) / 7 - 6 }
            let kernel = AffineKernel(scale: Array(scale.prefix(channels)) + Array(repeating: 0.25, count: max(0, channels - 3)),
                                      shift: Array(shift.prefix(channels)) + Array(repeating: -1, count: max(0, channels - 3)),
                                      inner: 1, count: rows / 2 * channels)
            var y = [Float](repeating: 0, count: x.count)
            x.withUnsafeBufferPointer { kernel.forward([$0.baseAddress!], &y, batch: 2) }
            let expected = x.indices.map { x[$0] * kernel.scale[$0 % channels] + kernel.shift[$0 % channels] }
            #expect(y == expected, "\(channels) channels")
        }
    }

    @Test func rescalingPerChannel() throws {
        let y = try runOp(.rescaling(scale: [2, 10], offset: [-1]), input: tensor([1, 2, 2], [1, 1, 2, 2]))
        expectClose(y, tensor([1, 2, 2], [1, 9, 3, 19]))
    }

    @Test func normalizationAndItsInverse() throws {
        let weights = ["mean": tensor([2], [1, 2]), "variance": tensor([2], [4, 0])]
        let x = tensor([1, 2], [5, 3])
        // variance 0 divides by epsilon (1e-7), as Keras does.
        expectClose(try runOp(.normalization(axes: [1], epsilon: 1e-7, invert: false), input: x, weights: weights),
                    tensor([1, 2], [2, 1e7]), rtol: 1e-3)
        expectClose(try runOp(.normalization(axes: [1], epsilon: 1e-7, invert: true), input: x, weights: weights),
                    tensor([1, 2], [11, 2]))
    }

    @Test func preluWithSharedAxis() throws {
        let y = try runOp(.prelu, input: tensor([1, 2, 2], [-1, -1, -2, 3]), weights: ["alpha": tensor([1, 2], [0.5, 0.25])])
        expectClose(y, tensor([1, 2, 2], [-0.5, -0.25, -1, 3]))
    }
}
