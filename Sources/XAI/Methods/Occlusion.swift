/// Occlusion (Zeiler & Fergus 2014; windows placed as Captum's `Occlusion`): a window zeroed in every channel (token
/// ids: set to the baseline token) slides over the input; `Δ_j = y − y_j`, and each position gets the mean `Δ` of the windows covering it (0 where
/// none does). Result: `norm(ReLU(M))`.
struct Occlusion: Explainer {
    func explain(_ request: ExplanationRequest) throws -> Explanation {
        let spatial = request.geometry.spatial, channels = request.geometry.channels
        let twoD = spatial.count == 2
        let window = request.options.window ?? (twoD ? 32 : 4)
        let stride = request.options.stride ?? (twoD ? 16 : 1)
        guard window > 0, stride > 0 else { throw ExplainError("occlusion needs a positive window and stride") }
        guard let smallest = spatial.min(), window <= smallest else {
            throw ExplainError("the occlusion window \(window) is larger than the input's spatial size \(spatial)")
        }
        let starts = spatial.map { Array(Swift.stride(from: 0, through: $0 - window, by: stride)) }
        let windows = twoD ? starts[0].flatMap { r in starts[1].map { [r, $0] } } : starts[0].map { [$0] }
        let width = twoD ? spatial[1] : 1
        /// The flat positions a window covers.
        func positions(_ origin: [Int]) -> [Int] {
            twoD ? (origin[0]..<(origin[0] + window)).flatMap { r in (origin[1]..<(origin[1] + window)).map { r * width + $0 } }
                 : Array(origin[0]..<(origin[0] + window))
        }
        let covered = windows.map(positions)
        let base = try request.forward()
        let maps = try Concurrent.map(request.count) { index in
            let occluded = try request.scores(ofInputVariants: windows.count, sample: index, classIndex: base.classes[index]) { j, buffer in
                for p in covered[j] { for c in 0..<channels { buffer[p * channels + c] = request.removedValue } }
            }
            var sums = [Float](repeating: 0, count: request.geometry.positions)
            var counts = [Float](repeating: 0, count: request.geometry.positions)
            for (j, score) in occluded.enumerated() {
                for p in covered[j] {
                    sums[p] += base.scores[index] - score
                    counts[p] += 1
                }
            }
            return MapMath.normalized(zip(sums, counts).map { $1 > 0 ? max($0 / $1, 0) : 0 })
        }
        return Explanation(maps: maps, spatial: spatial, classes: base.classes, scores: base.scores)
    }
}
