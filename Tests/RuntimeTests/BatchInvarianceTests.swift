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
}
