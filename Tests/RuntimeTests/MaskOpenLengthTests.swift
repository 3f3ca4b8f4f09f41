import KerasLensGraph
import KerasLensH5Reader
@testable import KerasLensKeras
@testable import KerasLensRuntime
import Testing

/// Masked recurrent layers over an open sequence length: the zoo's masked model with its inputs' length made open
/// (`[null, null, 3]`, `[null, null]`) runs at the recorded length as Keras recorded it, and skips masked steps at
/// other lengths.
@Suite struct MaskOpenLengthTests {
    static func graph(open: Bool) throws -> Graph {
        let file = try KerasFile(path: FixtureManifest.path("zoo/masking_recurrent.k2.h5"))
        let config = try #require(file.modelConfig)
        guard open else { return try KerasImporter.build(file, config: config) }
        let edited = config.replacingOccurrences(of: "[null, 7, 3]", with: "[null, null, 3]")
            .replacingOccurrences(of: "[null, 7]", with: "[null, null]")
        #expect(edited != config, "the edit must match")
        return try KerasImporter.build(file, config: edited)
    }

    @Test func theRecordedLengthMatchesKeras() throws {
        let model = try Model(Self.graph(open: true))
        #expect(model.inputShapes == [[openDimension, 3], [openDimension]])
        let inputs = [try FixtureManifest.array("zoo/masking_recurrent.input0.npy"),
                      try FixtureManifest.array("zoo/masking_recurrent.input1.npy")]
        let expected = try FixtureManifest.array("zoo/masking_recurrent.k2.output.npy")
        let output = try model.run(inputs).outputs[0]
        #expect(output.shape == expected.shape)
        for (got, want) in zip(output.scalars, expected.scalars) {
            #expect(abs(got - want) <= 1e-5 + 1e-4 * abs(want), "\(got) vs Keras \(want)")
        }
        // The fixed-length model gives the same numbers, bit for bit.
        #expect(try Model(Self.graph(open: false)).run(inputs).outputs[0] == output)
    }

    /// Keras skips masked steps: after the Masking, the GRU's last state (fed by the masked LSTM) is the same for
    /// five steps of which two are all-zero (masked) as for the three others alone — two lengths of one open model.
    @Test func maskedStepsAreSkippedAtAnyLength() throws {
        let model = try Model(Self.graph(open: true))
        let steps: [[Float]] = [[0.5, -1, 0.25], [1.5, 0.75, -0.5], [-0.25, 0.5, 1]]
        let zero: [Float] = [0, 0, 0]
        let long = Tensor(shape: [1, 5, 3], scalars: steps[0] + zero + steps[1] + steps[2] + zero)
        let short = Tensor(shape: [1, 3, 3], scalars: steps.flatMap { $0 })
        let masked = try model.run([long, Tensor(shape: [1, 5], scalars: [1, 2, 3, 4, 5])], capture: ["gru_masked"])
        let alone = try model.run([short, Tensor(shape: [1, 3], scalars: [1, 2, 3])], capture: ["gru_masked"])
        let (a, b) = (try #require(masked.layers["gru_masked"]), try #require(alone.layers["gru_masked"]))
        #expect(a.shape == [1, 3] && b.shape == [1, 3])
        for (x, y) in zip(a.scalars, b.scalars) { #expect(abs(x - y) <= 1e-6, "\(x) vs \(y)") }
        // Unmasked, the zero steps would change the state.
        let unmasked = try model.run([Tensor(shape: [1, 5, 3], scalars: steps[0] + [0, 0, 0.5] + steps[1] + steps[2] + zero),
                                      Tensor(shape: [1, 5], scalars: [1, 2, 3, 4, 5])], capture: ["gru_masked"])
        #expect(unmasked.layers["gru_masked"] != a)
    }

    /// The zoo's masked open-length model (ids of open length → Embedding(mask_zero) → LSTM → GRU reading
    /// backwards → Dense), tf-keras's and Keras 3's files, at both recorded lengths (7 and 11) through one Model:
    /// each length runs its own specialised plan, and coming back to the first length gives the same bits.
    @Test(arguments: [("zoo/masked_open_length.k2.h5", "k2"), ("zoo/masked_open_length.keras", "k3")])
    func bothRecordedLengthsMatchKerasInOneModel(file: String, recording: String) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(file)))
        #expect(model.inputShapes == [[openDimension]])
        var outputs: [Tensor] = []
        for prefix in ["zoo/masked_open_length", "zoo/masked_open_length.second"] {
            let output = try model.run([FixtureManifest.array("\(prefix).input.npy")]).outputs[0]
            expectClose(output, try FixtureManifest.array("\(prefix).\(recording).output.npy"), prefix)
            outputs.append(output)
        }
        #expect(outputs[0].shape == [3, 3] && outputs[1].shape == [3, 3])
        #expect(try model.run([FixtureManifest.array("zoo/masked_open_length.input.npy")]).outputs[0] == outputs[0])
    }
}
