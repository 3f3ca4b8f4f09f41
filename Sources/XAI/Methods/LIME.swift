import Foundation
import KerasLensGraph

/// LIME (Ribeiro et al. 2016) over segments: random on/off patterns `z` (row 0 all on) zero the segments switched
/// off (token ids: set them to the baseline token); `f = y(perturbed)`; weights `π = sqrt(exp(−d²/w²))` from the cosine distance `d` of `z` to all-on; a weighted
/// least-squares fit with intercept (minimum-norm, as scikit-learn's `LinearRegression(sample_weight=π)`) gives one
/// coefficient per segment. Map: each position's segment coefficient where positive, else 0 (not rescaled).
struct LIME: Explainer {
    func explain(_ request: ExplanationRequest) throws -> Explanation {
        let width = request.options.kernelWidth
        guard width.isFinite, width > 0 else { throw ExplainError("lime needs a positive, finite kernel width, got \(width)") }
        guard request.options.topFeatures >= 0 else { throw ExplainError("lime's top-feature count must not be negative") }
        let base = try request.forward()
        let results = try Concurrent.map(request.count) { index in
            let segments = try segmentation(request, sample: index)
            let surrogate = try fit(request, sample: index, classIndex: base.classes[index], segments: segments)
            let map = segments.map { Float(max(surrogate.coefficients[Int($0)], 0)) }
            return (map, surrogate)
        }
        return Explanation(maps: results.map(\.0), spatial: request.geometry.spatial, classes: base.classes,
                           scores: base.scores, surrogates: results.map(\.1))
    }

    /// Labels 0..<F per position: given, contiguous runs (1-D), or quickshift superpixels (2-D).
    private func segmentation(_ request: ExplanationRequest, sample index: Int) throws -> [Int32] {
        let spatial = request.geometry.spatial
        if let given = request.options.segments {
            guard given.shape == spatial else {
                throw ExplainError("the given segments have shape \(given.shape); the input's spatial shape is \(spatial)")
            }
            let labels = Array(Set(given.scalars)).sorted()
            let dense = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
            return given.scalars.map { dense[$0]! }
        }
        if spatial.count == 1 {
            let size = request.options.segmentSize
            guard size > 0 else { throw ExplainError("lime needs a positive segment size") }
            return (0..<spatial[0]).map { Int32($0 / size) }
        }
        let channels = request.geometry.channels
        return Quickshift.segment(image: Array(request.sample(index)), height: spatial[0], width: spatial[1],
                                  channels: channels, convertToLab: channels == 3)
    }

    private func fit(_ request: ExplanationRequest, sample index: Int, classIndex: Int, segments: [Int32]) throws -> LinearSurrogate {
        let features = Int(segments.max() ?? -1) + 1
        let patterns = try perturbations(request, sample: index, features: features)
        let rows = patterns.count / features
        let members = (0..<features).map { f in segments.indices.filter { segments[$0] == f } }
        let channels = request.geometry.channels
        let f = try request.scores(ofInputVariants: rows, sample: index, classIndex: classIndex) { row, buffer in
            for feature in 0..<features where patterns[row * features + feature] == 0 {
                for p in members[feature] { for c in 0..<channels { buffer[p * channels + c] = request.removedValue } }
            }
        }.map(Double.init)
        let weights = (0..<rows).map { row -> Double in
            let on = (0..<features).reduce(0.0) { $0 + patterns[row * features + $1] }
            let distance = on == 0 ? 1 : 1 - on / (on.squareRoot() * Double(features).squareRoot())
            let width = request.options.kernelWidth
            return exp(-distance * distance / (width * width)).squareRoot()
        }
        return try WeightedLeastSquares.fit(patterns, f, weights: weights, rows: rows, columns: features,
                                            segments: segments, top: request.options.topFeatures)
    }

    /// The on/off matrix, rows × features: given, or row 0 all on and the rest fair coin flips.
    private func perturbations(_ request: ExplanationRequest, sample index: Int, features: Int) throws -> [Double] {
        if let given = request.options.perturbations {
            guard given.rank == 2, given.shape[1] == features, given.shape[0] > 0 else {
                throw ExplainError("the given perturbations have shape \(given.shape); lime needs (samples, \(features)) for \(features) segments")
            }
            return given.scalars.map { $0 != 0 ? 1 : 0 }
        }
        let rows = request.options.perturbationCount
        guard rows > 0 else { throw ExplainError("lime needs at least one perturbation") }
        var generator = request.generator(forSample: index)
        return (0..<(rows * features)).map { $0 < features ? 1 : (generator.uniform() < 0.5 ? 1 : 0) }
    }
}
