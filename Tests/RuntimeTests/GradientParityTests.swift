import Foundation
import KerasLensGraph
import KerasLensRuntime
import KerasLens
import Testing

/// `Model.gradients` against `tf.GradientTape` gradients recorded by `Fixtures/generate_xai.py` (the `gradients`
/// section of `Fixtures/xai/manifest.json`): classes, scores and the gradient with respect to each named layer and
/// input, within atol 1e-6 + rtol 1e-4. Course-model cases run only when `../shared/models` is present.
@Suite struct GradientParityTests {
    static let atol: Float = 1e-6
    static let rtol: Float = 1e-4

    @Test(arguments: XAIManifest.availableGradients)
    func gradientsMatchTensorFlow(_ record: XAIManifest.GradientCase) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(record.model)))
        let inputs = try XAIManifest.inputs(record.inputs, samples: record.samples)
        let names = record.layers.keys.sorted()
        // Inputs are asked for by the graph's own input name (the manifest keys them by Keras's name).
        let query = names.map { name in record.layers[name]!.input.map { model.graph.inputs[$0] } ?? name }
        let result = try model.gradients(inputs, classes: record.classes, target: XAIManifest.target(record.target),
                                         withRespectTo: query)

        #expect(result.classes == (try XAIManifest.classes(record.chosen)), "explained classes")
        let scores = try FixtureManifest.array(record.scores)
        expectClose(Tensor(shape: [result.scores.count], scalars: result.scores), scores, "scores",
                    atol: Self.atol, rtol: Self.rtol)
        var report = ["\(record.name): scores \(ErrorSummary(Tensor(shape: [result.scores.count], scalars: result.scores), scores, atol: Self.atol, rtol: Self.rtol))"]

        for (name, asked) in zip(names, query) {
            let layer = record.layers[name]!
            var actual = try #require(result.gradients[asked], "no gradient for \(asked)")
            if let rows = layer.rows, let cols = layer.cols { actual = actual.selecting(rows: rows, cols: cols) }
            let expected = try FixtureManifest.array(layer.file)
            expectClose(actual, expected, "∂score/∂\(name)", atol: Self.atol, rtol: Self.rtol)
            let summary = ErrorSummary(actual, expected, atol: Self.atol, rtol: Self.rtol)
            // Small gradients (HMT's probability) sit under atol; also bound the error by the tensor's own scale.
            let scale = expected.scalars.map(abs).max() ?? 0
            #expect(summary.maxAbs <= Self.rtol * scale, "∂score/∂\(name): error \(summary.maxAbs) against a largest value \(scale)")
            report.append("  ∂/∂\(name) \(expected.shape): \(summary), largest |g| \(scale)")
        }
        print(report.joined(separator: "\n"))
    }
}
