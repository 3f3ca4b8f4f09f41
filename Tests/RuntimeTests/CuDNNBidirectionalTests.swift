import KerasLensGraph
import KerasLensH5Reader
@testable import KerasLensKeras
@testable import KerasLensRuntime
import Testing

/// A cuDNN Bidirectional lowered into its two directions (each converted from cuDNN's layout): `sequence/cudnn.k2.h5`
/// with its concatenating `bi_lstm` edited to merge_mode None gives, as `bi_lstm` and `bi_lstm/backward`, the two
/// halves of the concatenation tf-keras recorded.
@Suite struct CuDNNBidirectionalTests {
    @Test func noneModeGivesTheHalvesKerasConcatenated() throws {
        let file = try KerasFile(path: FixtureManifest.path("sequence/cudnn.k2.h5"))
        let config = try #require(file.modelConfig)
        let edited = config.replacingOccurrences(of: #""merge_mode": "concat"}"#, with: #""merge_mode": null}"#)
        #expect(edited != config, "the edit must match")
        let model = try Model(KerasImporter.build(file, config: edited))
        let inputs = [try FixtureManifest.array("sequence/cudnn.input.npy")]
        let concatenated = try FixtureManifest.array("sequence/cudnn.k2.layers/bi_lstm.npy")
        let samples = concatenated.shape[0]
        let result = try model.run(inputs.map { $0.leading(samples) }, capture: ["bi_lstm", "bi_lstm/backward"])
        let forward = try #require(result.layers["bi_lstm"])
        let backward = try #require(result.layers["bi_lstm/backward"])
        let units = forward.shape.last!
        #expect(concatenated.shape.last == 2 * units)
        let rows = concatenated.count / (2 * units)
        for row in 0..<rows {
            for unit in 0..<units {
                let (f, b) = (concatenated.scalars[row * 2 * units + unit], concatenated.scalars[row * 2 * units + units + unit])
                #expect(abs(forward.scalars[row * units + unit] - f) <= 1e-5 + 1e-4 * abs(f), "forward row \(row)")
                #expect(abs(backward.scalars[row * units + unit] - b) <= 1e-5 + 1e-4 * abs(b), "backward row \(row)")
            }
        }
    }
}
