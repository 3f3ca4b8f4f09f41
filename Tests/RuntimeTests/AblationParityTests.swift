import Foundation
import KerasLensGraph
import KerasLensRuntime
import KerasLens
import Testing

/// `outputsAblatingActivations` / `outputsAblatingWeights` against the scores Keras itself gave with each channel
/// switched off (the `ablations` section of `Fixtures/xai/manifest.json`): the model split at the layer with the
/// channel zeroed, or a clone with the kernel's output channel zeroed. The score of the class explained on the clean
/// input is compared, within atol 1e-6 + rtol 1e-4. Course-model cases run only when `../shared/models` is present.
@Suite struct AblationParityTests {
    static let atol: Float = 1e-6
    static let rtol: Float = 1e-4

    @Test(arguments: XAIManifest.availableAblations)
    func ablatedScoresMatchKeras(_ record: XAIManifest.AblationCase) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(record.model)))
        let inputs = try XAIManifest.inputs(record.inputs, samples: record.samples)
        let width = try #require(model.graph.node(named: record.layer)?.outputShape.last, "no layer \(record.layer)")
        let channels = record.channels ?? Array(0..<width)
        let target = try XAIManifest.target(record.target)

        let outputs = record.mode == "weights"
            ? try model.outputsAblatingWeights(of: record.layer, channels: channels, zeroBias: record.zero_bias,
                                               target: target, inputs: inputs)
            : try model.outputsAblatingActivations(of: record.layer, channels: channels, target: target, inputs: inputs)
        #expect(Array(outputs.shape.prefix(2)) == [record.samples, channels.count])

        // (samples, channels, outputs…) → the explained class's column, (samples, channels).
        let classes = try XAIManifest.classes(record.chosen)
        let perRow = outputs.count / (record.samples * channels.count)
        var picked: [Float] = []
        for sample in 0..<record.samples {
            for row in channels.indices { picked.append(outputs.scalars[(sample * channels.count + row) * perRow + classes[sample]]) }
        }
        let actual = Tensor(shape: [record.samples, channels.count], scalars: picked)
        let expected = try FixtureManifest.array(record.expected)
        expectClose(actual, expected, "ablated scores", atol: Self.atol, rtol: Self.rtol)
        print("\(record.name) \(expected.shape): \(ErrorSummary(actual, expected, atol: Self.atol, rtol: Self.rtol))")

        // The clean scores of the same classes, from the plain forward pass.
        let clean = try model.scores(inputs, classes: classes, target: target)
        expectClose(Tensor(shape: [clean.scores.count], scalars: clean.scores), try FixtureManifest.array(record.scores),
                    "clean scores", atol: Self.atol, rtol: Self.rtol)
    }
}
