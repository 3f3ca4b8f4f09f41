import KerasLensGraph
import KerasLensRuntime
import Testing
@testable import KerasLensXAI

/// Each method on a model linear in its input, against answers worked out by hand.
@Suite struct ExplainerTests {
    let model = try! Model(LinearModel.graph)
    let c = 1

    func explain(_ method: ExplanationMethod, _ configure: (inout ExplanationOptions) -> Void = { _ in }) throws -> Explanation {
        var options = ExplanationOptions()
        options.target = .logit
        options.classes = [c]
        options.upsampling = .none
        configure(&options)
        return try method.explain(model, inputs: LinearModel.input, options: options)
    }

    func expectMap(_ actual: Explanation, _ expected: [Float], tolerance: Float = 1e-5,
                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.maps.shape == [1, LinearModel.length], sourceLocation: sourceLocation)
        for (a, e) in zip(actual.maps.scalars, expected) {
            #expect(abs(a - e) <= tolerance, "\(actual.maps.scalars) vs \(expected)", sourceLocation: sourceLocation)
        }
    }

    var positions: Range<Int> { 0..<LinearModel.length }
    var channels: Range<Int> { 0..<LinearModel.channels }

    /// Per position, the summed share of the logit: occlusion with a one-wide window and integrated gradients
    /// both reduce to it for a linear score.
    var contributions: [Float] { positions.map { p in channels.reduce(0) { $0 + LinearModel.contribution(p, $1, c) } } }

    @Test func gradCAMOnTheInputLayer() throws {
        let weights = channels.map { ch in positions.reduce(0) { $0 + LinearModel.weight($1, ch, c) } / Float(LinearModel.length) }
        let expected = positions.map { p in channels.reduce(Float(0)) { $0 + weights[$1] * LinearModel.input.scalars[p * 2 + $1] } }
        let explanation = try explain(.gradcam) { $0.layer = "x" }
        expectMap(explanation, LinearModel.normalizedPositive(expected))
        #expect(explanation.classes == [c])
        #expect(abs(explanation.scores[0] - LinearModel.logit(c)) < 1e-5)
    }

    @Test func hiResCAMIsTheContributionMap() throws {
        expectMap(try explain(.hirescam) { $0.layer = "x" }, LinearModel.normalizedPositive(contributions))
    }

    @Test func ablationCAMWeighsChannelsByTheirShare() throws {
        let y = LinearModel.logit(c)
        let weights = channels.map { ch in positions.reduce(0) { $0 + LinearModel.contribution($1, ch, c) } / y }
        let expected = positions.map { p in channels.reduce(Float(0)) { $0 + weights[$1] * LinearModel.input.scalars[p * 2 + $1] } }
        expectMap(try explain(.ablationcam) { $0.layer = "x" }, LinearModel.normalizedPositive(expected))
    }

    @Test func occlusionWithAOneWideWindowIsTheContributionMap() throws {
        expectMap(try explain(.occlusion) { $0.window = 1; $0.stride = 1 }, LinearModel.normalizedPositive(contributions))
    }

    @Test func integratedGradientsAreExactForALinearScore() throws {
        expectMap(try explain(.integratedGradients) { $0.steps = 7 }, LinearModel.normalizedPositive(contributions))
    }

    @Test func saliencyIsTheLargestAbsoluteWeight() throws {
        let expected = positions.map { p in channels.map { abs(LinearModel.weight(p, $0, c)) }.max()! }
        expectMap(try explain(.saliency), LinearModel.normalizedPositive(expected))
        // The gradient of a linear score does not move with noise.
        expectMap(try explain(.smoothgrad) { $0.noiseSamples = 5 }, LinearModel.normalizedPositive(expected))
    }

    @Test func limeRecoversTheSegmentsShares() throws {
        let explanation = try explain(.lime) { $0.segmentSize = 1; $0.perturbationCount = 64; $0.seed = 3 }
        let surrogate = try #require(explanation.surrogates?.first)
        for p in positions { #expect(abs(surrogate.coefficients[p] - Double(contributions[p])) < 1e-4) }
        #expect(abs(surrogate.intercept - Double(LinearModel.bias[c])) < 1e-4)
        #expect(abs(surrogate.score - 1) < 1e-6)
        #expect(surrogate.topFeatures.first == contributions.indices.max { contributions[$0] < contributions[$1] })
        expectMap(explanation, contributions.map { max($0, 0) }, tolerance: 1e-4)
    }

    @Test func limeUsesTheGivenPerturbations() throws {
        let rows: [Float] = [1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0]
        let given = Tensor(shape: [6, 4], scalars: rows)
        let first = try explain(.lime) { $0.segmentSize = 1; $0.perturbations = given; $0.seed = 1 }
        let second = try explain(.lime) { $0.segmentSize = 1; $0.perturbations = given; $0.seed = 2 }
        #expect(first.maps == second.maps)
    }

    @Test func riseWithMasksThatKeepEverythingIsFlat() throws {
        let explanation = try explain(.rise) { $0.masks = Tensor(shape: [3, 4], scalars: Array(repeating: 1, count: 12)) }
        expectMap(explanation, [1, 1, 1, 1])
    }

    @Test func stochasticMethodsRepeatWithTheirSeed() throws {
        func run(_ method: ExplanationMethod, seed: UInt64) throws -> [Float] {
            let explanation = try explain(method) { $0.seed = seed; $0.maskCount = 50; $0.segmentSize = 1; $0.target = .probability }
            return explanation.surrogates?.first?.coefficients.map(Float.init) ?? explanation.maps.scalars
        }
        for method in [ExplanationMethod.rise, .lime] {
            #expect(try run(method, seed: 7) == run(method, seed: 7), "\(method)")
            #expect(try run(method, seed: 7) != run(method, seed: 8), "\(method)")
        }
    }

    @Test func batchesAreSplitWithoutChangingTheResult() throws {
        let batch = Tensor(shape: [3, 4, 2], scalars: (0..<24).map { Float(($0 * 5) % 7) - 3 })
        for method in [ExplanationMethod.gradcam, .rise, .lime, .smoothgrad] {
            var options = ExplanationOptions()
            options.layer = "x"
            options.maskCount = 20
            options.noiseSamples = 5
            options.segmentSize = 1
            let whole = try method.explain(model, inputs: batch, options: options)
            options.batchSize = 1
            let split = try method.explain(model, inputs: batch, options: options)
            #expect(whole.maps == split.maps, "\(method)")
            #expect(whole.classes == split.classes)
            options.firstSample = 1
            let tail = try method.explain(model, inputs: batch.samples(1..<3), options: options)
            #expect(tail.maps.scalars[...] == whole.maps.scalars[4...], "\(method) explained from sample 1")
        }
    }
}

@Suite struct ExplainerErrorTests {
    let model = try! Model(LinearModel.graph)

    func failure(_ method: ExplanationMethod, inputs: Tensor = LinearModel.input, _ configure: (inout ExplanationOptions) -> Void) -> String {
        var options = ExplanationOptions()
        configure(&options)
        do {
            _ = try method.explain(model, inputs: inputs, options: options)
            return "no error"
        } catch {
            return error.description
        }
    }

    /// Without a named layer a CAM method reads the one `CAMLayerChoice` picks; this model has none.
    @Test func aCAMMethodNeedsALayerWithSpatialAxes() {
        #expect(failure(.gradcam) { _ in }.contains("no layer of the model keeps the input's spatial axes"))
    }

    @Test func anUnknownLayerIsNamed() {
        #expect(failure(.gradcam) { $0.layer = "conv9" }.contains("'conv9'"))
    }

    @Test func aLayerWithoutSpatialAxesIsRefused() {
        #expect(failure(.gradcam) { $0.layer = "flat" }.contains("no 1-D spatial axes"))
    }

    @Test func weightAblationNeedsAKernel() {
        #expect(failure(.ablationcam) { $0.layer = "x"; $0.ablation = .weights }.contains("no kernel"))
    }

    @Test func wrongInputShapeIsNamed() {
        #expect(failure(.saliency, inputs: Tensor(zeros: [2, 3, 2])) { _ in }.contains("(N, 4, 2)"))
    }

    @Test func classCountMustMatch() {
        #expect(failure(.saliency) { $0.classes = [0, 1] }.contains("2 classes given for 1 samples"))
    }

    @Test func givenRandomDrawsMustFit() {
        #expect(failure(.rise) { $0.masks = Tensor(zeros: [2, 5]) }.contains("the given masks have shape [2, 5]"))
        #expect(failure(.lime) { $0.perturbations = Tensor(zeros: [2, 3]) }.contains("the given perturbations have shape [2, 3]"))
        #expect(failure(.smoothgrad) { $0.noise = Tensor(zeros: [2, 4]) }.contains("the given noise has shape [2, 4]"))
        #expect(failure(.lime) { $0.segments = Tensor(zeros: [3]) }.contains("the given segments have shape [3]"))
    }
}
