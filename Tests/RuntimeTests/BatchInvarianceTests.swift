import KerasLensGraph
@testable import KerasLensRuntime
import KerasLens
import Testing

/// A sample's result must not depend on which other samples share its batch (house rule). OpenBLAS's sgemm sums a
/// row in an order that depends on the product's row count, so dense layers run as one product over the batch gave
/// MNIST-1D probabilities that moved by up to 2.1e-6 between `predict` with batch size 1 and 64.
@Suite struct BatchInvarianceTests {
    /// The course MNIST-1D model (convolutions, then dense over the flattened features), the zoo's MLP (dense
    /// layers only), its U-Net (transposed convolutions, a batch normalization folded into one), its transformer
    /// blocks (multi-head attention, causal too) and its open-length recurrent model (at length 12), each given 64
    /// samples.
    static let cases: [(file: String, input: [Int])] = [("MNIST1D.h5", [40, 1]), ("zoo/mlp.k2.h5", [12]),
                                                        ("zoo/unet.k2.h5", [16, 16, 3]), ("zoo/mha_self.k2.h5", [6, 8]),
                                                        ("zoo/open_length.k2.h5", [12, 3])]

    /// 64 samples of deterministic values in [-1, 1).
    static func batch(_ shape: [Int]) -> Tensor {
        let count = 64 * shape.reduce(1, *)
        return Tensor(shape: [64] + shape, scalars: (0..<count).map { Float(($0 * 7919 + 13) % 2000) / 1000 - 1 })
    }

    static let samples = [0, 1, 31, 63]

    @Test(arguments: cases.map(\.file))
    func predictGivesEachSampleTheResultItHasAlone(_ file: String) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(file)))
        let inputs = Self.batch(try #require(Self.cases.first { $0.file == file }).input)
        let whole = try model.predict(inputs, batchSize: 64)
        let sevens = try model.predict(inputs, batchSize: 7)
        #expect(whole == sevens)
        for sample in Self.samples {
            let alone = try model.predict(inputs.samples(sample..<(sample + 1)), batchSize: 1)
            #expect(whole.samples(sample..<(sample + 1)) == alone, "sample \(sample) of \(file)")
        }
    }

    @Test(arguments: cases.map(\.file))
    func gradientsGiveEachSampleTheResultItHasAlone(_ file: String) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(file)))
        let inputs = Self.batch(try #require(Self.cases.first { $0.file == file }).input)
        let input = model.graph.inputs[0]
        let whole = try model.gradients([inputs], withRespectTo: [input])
        for sample in Self.samples {
            let alone = try model.gradients([inputs.samples(sample..<(sample + 1))], withRespectTo: [input])
            #expect(whole.scores[sample] == alone.scores[0], "score of sample \(sample) of \(file)")
            #expect(try #require(whole.gradients[input]).samples(sample..<(sample + 1)) == alone.gradients[input],
                    "gradient of sample \(sample) of \(file)")
        }
    }

    /// Recurrent models, whose samples step through time in blocks of 32 (inference and the backward pass's replay)
    /// and walk back in blocks: the MNIST-1D LSTM and convolutional GRU, the zoo's recurrent and bidirectional
    /// layers (every cell, reset form and merge), and masked ones (Masking and Embedding masks with masked steps at
    /// the start, in the middle and at the end; the text classifier's padded token ids). Each gets 64 samples;
    /// gradients are taken with respect to each of `gradients`' layers (nil: the first input), of the output
    /// `class` (nil: the predicted one). The masked models' outputs join branches that read one input each: output 0
    /// reads the sequence, output 3 the ids' embedding.
    static let recurrentCases: [(file: String, inputs: [RecurrentInput], gradients: [(layer: String, class: Int?)]?)] = [
        ("sequence/mnist1d_lstm.k2.h5", [.values([40, 1])], [("input", nil), ("lstm", nil)]),
        ("sequence/mnist1d_conv_gru.k2.h5", [.values([40, 1])], nil),
        ("zoo/recurrent.k2.h5", [.values([7, 3])], nil),
        ("zoo/bidirectional.k2.h5", [.values([7, 3])], nil),
        ("zoo/masking_recurrent.k2.h5", [.maskedValues([7, 3]), .ids(7, vocabulary: 12)], [("sequence", 0), ("embedding_masked", 3)]),
        ("zoo/masking_last_state.k2.h5", [.maskedValues([7, 3]), .ids(7, vocabulary: 12)], [("sequence", 0), ("embedding_masked", 3)]),
        ("text/text_classifier.k2.h5", [.ids(20, vocabulary: 40)], [("embedding", nil)]),
    ]

    /// One input of a recurrent case, 64 samples of it.
    enum RecurrentInput {
        /// `batch(shape)`.
        case values([Int])
        /// `batch(shape)` with whole steps (rows of the last axis) zero, which a Masking layer masks out: about one
        /// step in four, differing from sample to sample.
        case maskedValues([Int])
        /// Token ids in 0 ..< vocabulary over `length` steps, 0 (padding, masked) one step in six, at places that
        /// differ from sample to sample (never a whole sample: a masked average over no step is 0/0, as in Keras).
        case ids(Int, vocabulary: Int)

        var tensor: Tensor {
            switch self {
            case .values(let shape):
                return BatchInvarianceTests.batch(shape)
            case .maskedValues(let shape):
                var tensor = BatchInvarianceTests.batch(shape)
                let width = shape.last!, steps = shape.reduce(1, *) / width
                for sample in 0..<64 {
                    for step in 0..<steps where (sample * 5 + step * 3) % 4 == 0 {
                        let start = (sample * steps + step) * width
                        for i in start..<(start + width) { tensor.scalars[i] = 0 }
                    }
                }
                return tensor
            case .ids(let length, let vocabulary):
                return Tensor(shape: [64, length], scalars: (0..<(64 * length)).map { i in
                    let (sample, step) = (i / length, i % length)
                    return (sample * 3 + step * 5) % 6 == 0 ? 0 : Float(1 + (i * 7919 + sample * 31) % (vocabulary - 1))
                })
            }
        }
    }

    @Test(arguments: recurrentCases.map(\.file))
    func recurrentPredictGivesEachSampleTheResultItHasAlone(_ file: String) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(file)))
        let inputs = try #require(Self.recurrentCases.first { $0.file == file }).inputs.map(\.tensor)
        let whole = try model.predict(inputs, batchSize: 64)
        #expect(whole == (try model.predict(inputs, batchSize: 7)), "batches of 64 and 7 of \(file)")
        for sample in Self.samples {
            let alone = try model.predict(inputs.map { $0.samples(sample..<(sample + 1)) }, batchSize: 1)
            #expect(whole.samples(sample..<(sample + 1)) == alone, "sample \(sample) of \(file)")
        }
    }

    @Test(arguments: recurrentCases.map(\.file))
    func recurrentGradientsGiveEachSampleTheResultItHasAlone(_ file: String) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(file)))
        let entry = try #require(Self.recurrentCases.first { $0.file == file })
        let inputs = entry.inputs.map(\.tensor)
        for (layer, output) in entry.gradients ?? [(model.graph.inputs[0], nil)] {
            let whole = try model.gradients(inputs, classes: output.map { Array(repeating: $0, count: 64) }, withRespectTo: [layer])
            let gradient = try #require(whole.gradients[layer])
            #expect(gradient.scalars.contains { $0 != 0 }, "∂score/∂\(layer) of \(file) is all zeros")
            for sample in Self.samples {
                let alone = try model.gradients(inputs.map { $0.samples(sample..<(sample + 1)) }, classes: output.map { [$0] },
                                                withRespectTo: [layer])
                #expect(whole.scores[sample] == alone.scores[0], "score of sample \(sample) of \(file)")
                #expect(gradient.samples(sample..<(sample + 1)) == alone.gradients[layer],
                        "∂score/∂\(layer) of sample \(sample) of \(file)")
            }
        }
    }
}
