import Foundation
import KerasLens
import KerasLensGraph
import KerasLensRuntime
import Testing
@testable import KerasLensXAI

/// Explanations of the text classifier (Embedding with mask_zero → LSTM → softmax, Fixtures/text): gradient methods
/// attribute at the Embedding's output, perturbations put the baseline token.
@Suite struct TokenExplanationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let model = try! Model(KerasImporter.load(path: root.appendingPathComponent("Fixtures/text/text_classifier.k2.h5").path))

    static func array(_ name: String) throws -> Tensor {
        try NumPyFile.read(path: root.appendingPathComponent("Fixtures/text/\(name)").path)
    }

    func request(_ ids: Tensor, options: ExplanationOptions = .init()) -> ExplanationRequest {
        var request = ExplanationRequest(model: model, inputs: ids, options: options, geometry: SpatialGeometry(sampleShape: model.inputShapes[0]))
        request.tokens = model.tokenInputs.first
        return request
    }

    /// Σ_d ∂y/∂E · E per token against TensorFlow's GradientTape on the same samples and classes (int32 ids read
    /// from the .npy file as floats), for the tf-keras file and the Keras 3 files holding the same weights (each
    /// against its own Keras's recording).
    @Test(arguments: [("text_classifier.k2.h5", "text_classifier"), ("text_classifier.k3.h5", "text_classifier.k3"),
                      ("text_classifier.keras", "text_classifier.k3")])
    func gradientTimesEmbeddingMatchesTensorFlow(file: String, recording: String) throws {
        let model = try Model(KerasImporter.load(path: Self.root.appendingPathComponent("Fixtures/text/\(file)").path))
        let ids = try Self.array("text_classifier.attribution_inputs.npy")
        let classes = try Self.array("\(recording).attribution_classes.npy").scalars.map { Int($0) }
        let expected = try Self.array("\(recording).attributions.npy")
        var request = ExplanationRequest(model: model, inputs: ids, options: .init(), geometry: SpatialGeometry(sampleShape: model.inputShapes[0]))
        request.tokens = model.tokenInputs.first
        let tokens = model.inputShapes[0][0]
        for sample in classes.indices {
            let values = try request.tokenGradientTimesEmbedding(sample: sample, classIndex: classes[sample], layer: "embedding")
            for t in 0..<tokens {
                let reference = expected.scalars[sample * tokens + t]
                #expect(abs(values[t] - reference) <= 1e-4, "\(file) sample \(sample) token \(t): \(values[t]) vs TensorFlow \(reference)")
            }
        }
    }

    /// Integrated gradients along the embedding path are complete: they sum to y(E) − y(B), B the baseline token's
    /// embedding at every position (the mask still made from the real ids).
    @Test func integratedGradientsAreComplete() throws {
        let ids = try Self.array("text_classifier.attribution_inputs.npy")
        var options = ExplanationOptions()
        options.steps = 300
        options.baselineToken = 3
        let request = request(ids, options: options)
        let size = model.inputShapes[0].reduce(1, *)
        for sample in 0..<3 {
            let one = ids.samples(sample..<(sample + 1))
            let base = try model.scores([one])
            let attributions = try request.tokenIntegratedGradients(sample: sample, classIndex: base.classes[0], layer: "embedding")
            let baseline = try request.baselineEmbedding(layer: "embedding")
            let scores = try model.forward(from: "embedding", substituting: Tensor(shape: [1, size, baseline.count / size], scalars: baseline),
                                           inputs: [one]).outputs[0]
            let difference = base.scores[0] - scores.scalars[base.classes[0]]
            let total = attributions.reduce(0, +)
            #expect(abs(total - difference) <= 1e-3 + 1e-2 * abs(difference), "sample \(sample): Σ IG \(total), y(E) − y(B) \(difference)")
            #expect(abs(difference) > 1e-3, "the check needs the baseline to change the score")
        }
    }

    /// Occlusion with a one-token window: each token's value is y minus the score with that token replaced by the
    /// baseline token (ReLU, scaled to a maximum of 1).
    @Test func occlusionPutsTheBaselineToken() throws {
        let ids = try Self.array("text_classifier.attribution_inputs.npy").samples(0..<1)
        var options = ExplanationOptions()
        options.window = 1
        options.stride = 1
        options.baselineToken = 5
        let explanation = try ExplanationMethod.occlusion.explain(model, inputs: ids, options: options)
        let base = try model.scores([ids])
        var deltas: [Float] = []
        for t in 0..<ids.count {
            var replaced = ids
            replaced.scalars[t] = 5
            deltas.append(max(base.scores[0] - (try model.scores([replaced], classes: base.classes)).scores[0], 0))
        }
        let top = deltas.max()!
        #expect(top > 0)
        for (t, delta) in deltas.enumerated() {
            #expect(abs(explanation.maps.scalars[t] - delta / top) <= 1e-4, "token \(t)")
        }
    }

    /// Every method runs on token ids and gives one value per token.
    @Test(arguments: [ExplanationMethod.saliency, .smoothgrad, .integratedGradients, .occlusion, .rise, .lime, .gradcam])
    func methodsGiveOneValuePerToken(_ method: ExplanationMethod) throws {
        let ids = try Self.array("text_classifier.attribution_inputs.npy").samples(0..<2)
        var options = ExplanationOptions()
        options.noiseSamples = 4
        options.steps = 8
        options.maskCount = 40
        options.perturbationCount = 40
        let explanation = try method.explain(model, inputs: ids, options: options)
        #expect(explanation.maps.shape == [2, 20])
        #expect(explanation.maps.scalars.allSatisfy { $0.isFinite })
    }

    @Test func baselineTokenOutsideTheVocabularyIsRefused() throws {
        let ids = try Self.array("text_classifier.attribution_inputs.npy").samples(0..<1)
        var options = ExplanationOptions()
        options.baselineToken = 40
        #expect(throws: ExplainError("the baseline token 40 is outside the vocabulary 0..<40 of layer 'embedding'")) {
            _ = try ExplanationMethod.occlusion.explain(model, inputs: ids, options: options)
        }
    }
}
