import KerasLensGraph
import KerasLensRuntime
import Testing
@testable import KerasLensXAI

@Suite struct ExplanationMetricsTests {
    @Test func keepMaskKeepsTheTopFractionStrictly() {
        #expect(DropIncrease.keepMask([0.1, 0.5, 0.3, 0.9], frac: 0.5) == [0, 1, 0, 1])
        // Ties at the threshold are dropped, as the course's strict `>` does.
        #expect(DropIncrease.keepMask([0.5, 0.5, 0.5, 0.9], frac: 0.5) == [0, 0, 0, 1])
    }

    @Test func dropAndIncreaseAreTheCoursesFormulas() {
        let rates = DropIncrease(original: [1, 2, 4], masked: [0.5, 3, 4])
        #expect(rates.changes == [0.5, -0.5, 0])
        #expect(abs(rates.dropRate - 0.5 / 3) < 1e-12)
        #expect(abs(rates.increaseRate - 1.0 / 3) < 1e-12)
    }

    @Test func averageDropAndIncreaseInConfidence() {
        let change = ConfidenceChange(original: [1, 2, 4], masked: [0.5, 3, 4])
        #expect(change.drops == [0.5, 0, 0])
        #expect(abs(change.averageDrop - 0.5 / 3) < 1e-12)
        #expect(abs(change.increaseInConfidence - 1.0 / 3) < 1e-12)
    }

    @Test func winsSplitOnTies() {
        var a = ConfidenceChange(original: [], masked: []), b = a
        a.drops = [0.1, 0.5, 0.2]
        b.drops = [0.2, 0.1, 0.2]
        #expect(ConfidenceChange.winRates([a, b]) == [0.5, 0.5])
        b.drops = [0.2, 0.6, 0.3]
        #expect(ConfidenceChange.winRates([a, b]) == [1, 0])
    }

    @Test func curveAreaIsRISEsTrapezoid() {
        #expect(DeletionInsertion.area([1, 1, 1]) == 1)
        #expect(DeletionInsertion.area([1, 0]) == 0.5)
        #expect(abs(DeletionInsertion.area([0.9, 0.5, 0.1, 0]) - (0.45 + 0.5 + 0.1) / 3) < 1e-6)
        #expect(DeletionInsertion.order([0.2, 0.9, 0.2, 0.5]) == [1, 3, 0, 2])
    }

    @Test func blurKeepsMassAwayFromTheBorderAndLosesItAtTheBorder() {
        var spike = [Float](repeating: 0, count: 40)
        spike[20] = 1
        let blurred = DeletionInsertion.blurred(spike[...], spatial: [40], channels: 1)
        #expect(abs(blurred.reduce(0, +) - 1) < 1e-6)
        #expect(blurred[20] > blurred[19] && blurred[19] > blurred[18])
        #expect(blurred[15] > 0 && blurred[14] == 0)
        let flat = DeletionInsertion.blurred([Float](repeating: 1, count: 40)[...], spatial: [40], channels: 1)
        #expect(abs(flat[20] - 1) < 1e-6)
        #expect(flat[0] < 0.7)
        let image = DeletionInsertion.blurred([Float](repeating: 1, count: 20 * 20 * 3)[...], spatial: [20, 20], channels: 3)
        #expect(abs(image[(10 * 20 + 10) * 3 + 2] - 1) < 1e-5)
    }

    @Test func metricsOfALinearModelFollowFromItsContributions() throws {
        let model = try Model(LinearModel.graph)
        var options = ExplanationOptions()
        options.classes = [1]
        options.target = .logit
        let explanation = try ExplanationMethod.integratedGradients.explain(model, inputs: LinearModel.input, options: options)
        let scores = try ExplanationMetrics.evaluate(model, inputs: LinearModel.input, explanation: explanation, frac: 0.25, target: .logit)
        // frac 0.25 of 4 positions keeps the single top position; the logit keeps its bias and that position's share.
        let shares = (0..<4).map { p in (0..<2).reduce(Float(0)) { $0 + LinearModel.contribution(p, $1, 1) } }
        let top = shares.indices.max { shares[$0] < shares[$1] }!
        let y = LinearModel.logit(1), o = LinearModel.bias[1] + shares[top]
        #expect(abs(scores.dropIncrease.changes[0] - Double((y - o) / y)) < 1e-5)
        #expect(scores.samples == 1 && scores.frac == 0.25)
        let curves = try #require(scores.curves)
        #expect(curves.deletionAUC.isFinite && curves.insertionAUC.isFinite)
    }

    @Test func aSetScoredInPiecesScoresAsAWhole() throws {
        let model = try Model(LinearModel.graph)
        let inputs = Tensor(shape: [5, 4, 2], scalars: (0..<40).map { Float(($0 * 13) % 9) / 4 - 1 })
        for method in [ExplanationMethod.gradcam, .lime, .smoothgrad] {
            var options = ExplanationOptions()
            options.layer = "x"
            options.segmentSize = 1
            options.noiseSamples = 4
            let explanation = try method.explain(model, inputs: inputs, options: options)
            let whole = try ExplanationMetrics.evaluate(model, inputs: inputs, explanation: explanation, frac: 0.5)
            var done: [Int] = []
            let pieces = try ExplanationMetrics.evaluate(model, method: method, count: 5, rows: inputs.samples, options: options,
                                                         frac: 0.5, batchSize: 1, piece: 2) { done.append($0) }
            #expect(pieces == whole, "\(method)")
            #expect(done == [2, 4, 5])
        }
    }

    @Test func mapsAtALayersSizeAreRefused() throws {
        let model = try Model(LinearModel.graph)
        let explanation = Explanation(maps: Tensor(zeros: [1, 2]), classes: [0], scores: [0], surrogates: nil)
        #expect(throws: ExplainError.self) {
            try ExplanationMetrics.evaluate(model, inputs: LinearModel.input, explanation: explanation, frac: 0.5)
        }
    }
}
