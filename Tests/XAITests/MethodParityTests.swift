import Foundation
import KerasLensGraph
import KerasLensRuntime
import KerasLens
import Testing
import KerasLensXAI

/// Every method against the Python reference of `Fixtures/generate_xai.py` (TensorFlow gradients, scipy, scikit-image,
/// scikit-learn), on the course models, the fixture models and zoo models, given the same random draws.
@Suite struct MethodParityTests {
    /// Maps are mostly scaled to a maximum of 1; the relative part covers the few that are not (LIME's raw
    /// coefficients, SISE on logits, whose layer maps can be far below zero).
    static let tolerance: Float = 1e-4
    static let relativeTolerance: Float = 1e-4
    /// Integrated gradients and SmoothGrad average 50 or more gradient passes through the whole network, where a
    /// last-bit change in a sum switches a ReLU at its kink, so the order an engine sums in (and the CPU's kernels)
    /// moves their maps. The reference records per sample how far rounding alone moves its own map
    /// (`rounding_sensitivity`: inputs scaled by 1 + 1e-6·N(0, 1), two draws). Which samples hold a unit that close
    /// to its kink is chance (course MNIST-1D SmoothGrad on logits: a sample the draws left unmoved differs by 1.4e-3
    /// when only our forward convolutions' summation order changes; the draws moved another by 1.2e-3), so every
    /// sample may differ by four times the case's largest. A wrong gradient moves the maps (maximum 1) by tenths.
    static func allowedError(sensitivity: Tensor?) -> Float {
        tolerance + 4 * (sensitivity?.scalars.max() ?? 0)
    }

    /// Probability maps are compared on the samples the reference marks well conditioned (class probability at most
    /// 0.99): above that float32 keeps `1 − p` to a few ulps, so any float32 gradient is mostly rounding there; each
    /// such case has a `logit` twin compared on every sample.
    @Test(arguments: MethodFixtures.available)
    func matchesTheReference(_ fixture: MethodFixtures.Case) throws {
        let model = try Model(KerasImporter.load(path: MethodFixtures.path(fixture.model)))
        let inputs = try MethodFixtures.array(fixture.inputs[0])
        let size = inputs.shape.dropFirst().reduce(1, *)
        let batch = Tensor(shape: [fixture.samples] + inputs.shape.dropFirst(), scalars: Array(inputs.scalars.prefix(fixture.samples * size)))
        let method = try #require(ExplanationMethod(rawValue: fixture.method))
        let explanation = try method.explain(model, inputs: batch, options: try options(fixture))

        let chosen = try MethodFixtures.array(fixture.chosen).scalars.map { Int($0) }
        #expect(explanation.classes == chosen)
        let expected = try MethodFixtures.array(fixture.expected)
        #expect(explanation.maps.shape == expected.shape)
        guard explanation.maps.shape == expected.shape else { return }
        let wellConditioned = try fixture.extras["well_conditioned"].map { try MethodFixtures.array($0).scalars.map { $0 != 0 } }
            ?? Array(repeating: true, count: fixture.samples)
        let mapSize = expected.count / fixture.samples
        let allowed = Self.allowedError(sensitivity: try fixture.extras["rounding_sensitivity"].map(MethodFixtures.array))
        var worst: (error: Float, sample: Int) = (-.infinity, -1)
        var largest: Float = 0
        for sample in 0..<fixture.samples where wellConditioned[sample] {
            for i in (sample * mapSize)..<((sample + 1) * mapSize) {
                let excess = abs(explanation.maps.scalars[i] - expected.scalars[i]) - Self.relativeTolerance * abs(expected.scalars[i])
                if excess > worst.error { worst = (excess, sample) }
                largest = max(largest, abs(explanation.maps.scalars[i] - expected.scalars[i]))
            }
        }
        #expect(wellConditioned.contains(true), "no well-conditioned sample to compare")
        print("method parity \(fixture.name): max abs error \(largest) over \(wellConditioned.filter { $0 }.count) of \(fixture.samples) samples")
        #expect(worst.error <= allowed, "sample \(worst.sample) exceeds the relative tolerance by \(worst.error)")
        if let coefficients = fixture.extras["lime_coefficients"] {
            try expectSurrogates(explanation, coefficients: MethodFixtures.array(coefficients),
                                 top: MethodFixtures.array(fixture.extras["lime_top_features"]!), wellConditioned: wellConditioned)
        }
    }

    private func expectSurrogates(_ explanation: Explanation, coefficients: Tensor, top: Tensor, wellConditioned: [Bool]) throws {
        let surrogates = try #require(explanation.surrogates)
        let features = coefficients.shape[1], shown = top.shape[1]
        for (sample, surrogate) in surrogates.enumerated() where wellConditioned[sample] {
            let reference = coefficients.scalars[(sample * features)..<((sample + 1) * features)].map(Double.init)
            let error = zip(surrogate.coefficients, reference).map { abs($0 - $1) }.max() ?? 0
            #expect(error <= Double(Self.tolerance), "sample \(sample): coefficients differ by \(error)")
            let referenceTop = top.scalars[(sample * shown)..<((sample + 1) * shown)].map { Int($0) }
            #expect(surrogate.topFeatures.prefix(shown).elementsEqual(referenceTop) || error > 0,
                    "sample \(sample): top segments \(surrogate.topFeatures) vs \(referenceTop)")
        }
    }

    /// The case's settings as `ExplanationOptions`, the random draws loaded from their files.
    private func options(_ fixture: MethodFixtures.Case) throws -> ExplanationOptions {
        var options = ExplanationOptions()
        options.layer = fixture.layer
        options.layers = fixture.layers
        options.classes = fixture.classes
        options.target = try #require(ScoreTarget(rawValue: fixture.target))
        if let upsample = fixture.upsample { options.upsampling = try #require(Upsampling(rawValue: upsample)) }
        let settings = fixture.options
        if let ablation = settings["ablation"]?.text { options.ablation = try #require(.init(rawValue: ablation)) }
        if let zeroBias = settings["zero_bias"]?.flag { options.zeroBias = zeroBias }
        if let steps = settings["steps"]?.number { options.steps = Int(steps) }
        if let window = settings["window"]?.number { options.window = Int(window) }
        if let stride = settings["stride"]?.number { options.stride = Int(stride) }
        if let grid = settings["grid"]?.number { options.grid = Int(grid) }
        if let p = settings["p"]?.number { options.maskProbability = Float(p) }
        if let size = settings["segment_size"]?.number { options.segmentSize = Int(size) }
        if let width = settings["kernel_width"]?.number { options.kernelWidth = width }
        if let features = settings["features"]?.number { options.topFeatures = Int(features) }
        options.masks = try fixture.masks.map(MethodFixtures.array)
        options.noise = try fixture.noise.map(MethodFixtures.array)
        options.perturbations = try fixture.perturbations.map(MethodFixtures.array)
        options.segments = try fixture.segments.map(MethodFixtures.array)
        return options
    }
}
