import KerasLensGraph
import KerasLensRuntime

/// How well one method's maps explain a batch: every metric of the evaluation, from the same maps.
public struct ExplanationScores: Sendable, Equatable {
    public var dropIncrease: DropIncrease
    public var confidence: ConfidenceChange
    /// Nil when the curves were not asked for (they cost two model passes per step).
    public var curves: DeletionInsertion?
    public var samples: Int
    public var frac: Double

    /// The scores of consecutive pieces of a set (in order), as if the set were scored at once.
    public init(merging parts: [ExplanationScores]) {
        dropIncrease = DropIncrease(merging: parts.map(\.dropIncrease))
        confidence = ConfidenceChange(merging: parts.map(\.confidence))
        let curves = parts.compactMap(\.curves)
        self.curves = curves.count == parts.count && !parts.isEmpty ? DeletionInsertion(merging: curves) : nil
        samples = parts.reduce(0) { $0 + $1.samples }
        frac = parts.first?.frac ?? 0
    }

    init(dropIncrease: DropIncrease, confidence: ConfidenceChange, curves: DeletionInsertion?, samples: Int, frac: Double) {
        self.dropIncrease = dropIncrease
        self.confidence = confidence
        self.curves = curves
        self.samples = samples
        self.frac = frac
    }
}

public enum ExplanationMetrics {
    /// Scores `explanation` (maps of `inputs`, batch-first) against the model's score of each explained class.
    /// `frac` is the share of positions drop/increase keeps; `curveStep` the positions deleted or inserted per step
    /// of the RISE curves (default: one position for 1-D inputs, 2% of the positions for 2-D), or `withCurves: false`
    /// to skip them.
    /// On token ids (an Embedding reads the input) removed positions take `baselineToken`, and insertion starts
    /// from all baseline tokens rather than a blurred input.
    public static func evaluate(_ model: Model, inputs: Tensor, explanation: Explanation, frac: Double,
                                target: ScoreTarget = .probability, curveStep: Int? = nil, withCurves: Bool = true,
                                batchSize: Int = 64, baselineToken: Int = 0) throws(ExplainError) -> ExplanationScores {
        guard frac > 0, frac <= 1 else { throw ExplainError("frac, the share of positions drop/increase keeps, must be in (0, 1], got \(frac)") }
        guard inputs.shape.first == explanation.maps.shape.first else {
            throw ExplainError("\(explanation.maps.shape.first ?? 0) maps for \(inputs.shape.first ?? 0) inputs")
        }
        var scoring = MaskedScoring(model: model, inputs: inputs, classes: explanation.classes, target: target, batchSize: batchSize)
        if model.tokenInputs.contains(where: { $0.input == 0 }) { scoring.baselineToken = Float(baselineToken) }
        let geometry = scoring.geometry
        guard explanation.maps.count == inputs.shape[0] * geometry.positions else {
            throw ExplainError("maps of shape \(explanation.maps.shape) do not cover inputs of shape \(inputs.shape); explain with an upsampling other than none")
        }
        do {
            let original = try scoring.scores { _, _ in }
            let hard = try scoring.scores { sample, buffer in
                scoring.apply(DropIncrease.keepMask(explanation.map(sample), frac: frac)[...], channels: geometry.channels, to: buffer)
            }
            let soft = try scoring.scores { sample, buffer in
                let map = explanation.map(sample)
                let top = map.max() ?? 0
                scoring.apply(top > 0 ? map.map { max($0, 0) / top }[...] : map.map { _ in 0 }[...],
                                    channels: geometry.channels, to: buffer)
            }
            let step = max(1, curveStep ?? (geometry.spatial.count == 1 ? 1 : max(1, geometry.positions / 50)))
            return ExplanationScores(dropIncrease: DropIncrease(original: original, masked: hard),
                                     confidence: ConfidenceChange(original: original, masked: soft),
                                     curves: withCurves ? try curves(scoring, explanation: explanation, step: step) : nil,
                                     samples: inputs.shape[0], frac: frac)
        } catch let error as ExplainError {
            throw error
        } catch {
            throw ExplainError(String(describing: error))
        }
    }

    /// Deletion and insertion AUCs, averaged over the samples; each step scores the whole batch at once.
    private static func curves(_ scoring: MaskedScoring, explanation: Explanation, step: Int) throws -> DeletionInsertion {
        let geometry = scoring.geometry, channels = geometry.channels, count = scoring.inputs.shape[0]
        let orders = (0..<count).map { DeletionInsertion.order(explanation.map($0)) }
        let blurred = (0..<count).map { sample in
            scoring.baselineToken.map { [Float](repeating: $0, count: geometry.count) }
                ?? DeletionInsertion.blurred(scoring.inputs.scalars[(sample * geometry.count)..<((sample + 1) * geometry.count)],
                                             spatial: geometry.spatial, channels: channels)
        }
        let steps = (geometry.positions + step - 1) / step
        var deletion = [[Float]](repeating: [], count: count), insertion = deletion
        for t in 0...steps {
            let changed = min(t * step, geometry.positions)
            let deleted = try scoring.scores { sample, buffer in
                for p in orders[sample][0..<changed] { for c in 0..<channels { buffer[p * channels + c] = scoring.removedValue } }
            }
            let inserted = try scoring.scores { sample, buffer in
                let original = Array(buffer)
                _ = buffer.update(fromContentsOf: blurred[sample])
                for p in orders[sample][0..<changed] { for c in 0..<channels { buffer[p * channels + c] = original[p * channels + c] } }
            }
            for sample in 0..<count {
                deletion[sample].append(deleted[sample])
                insertion[sample].append(inserted[sample])
            }
        }
        return DeletionInsertion(deletionAreas: deletion.map(DeletionInsertion.area),
                                 insertionAreas: insertion.map(DeletionInsertion.area))
    }
}
