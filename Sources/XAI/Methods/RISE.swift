import Foundation

/// RISE (Petsiuk et al. 2018): random masks `M_i` — an s(×s) grid of cells kept with probability p, upsampled
/// (linear) to `(s+1)·C` per axis with `C = ceil(size/s)` and cropped at a random shift below `C` — weight the
/// masked scores: `S = (1/(N·p)) Σ_i y(x ⊙ M_i) M_i`, scaled to a maximum of 1. Every sample sees the same masks,
/// drawn from the seed (or given).
struct RISE: Explainer {
    /// Most grid cells one mask may have: 2^24 (a 4096 × 4096 grid) is far finer than any input RISE is used on.
    static let maxGridCells = 1 << 24

    func explain(_ request: ExplanationRequest) throws -> Explanation {
        let options = request.options, spatial = request.geometry.spatial, positions = request.geometry.positions
        let count = try maskCount(request)
        guard options.grid > 0 else { throw ExplainError("rise needs a positive grid size") }
        // Each mask allocates grid^rank cells and about as many upsampled positions: bound them before drawing.
        guard pow(Double(options.grid), Double(spatial.count)) <= Double(RISE.maxGridCells) else {
            throw ExplainError("rise's grid of \(options.grid) cells per axis gives more than \(RISE.maxGridCells) cells per mask")
        }
        guard options.maskProbability > 0, options.maskProbability <= 1 else { throw ExplainError("rise needs a keep probability in (0, 1]") }
        let base = try request.forward()
        let chunk = max(1, options.batchSize)
        let maps = try Concurrent.map(request.count) { index in
            var saliency = [Float](repeating: 0, count: positions)
            for start in stride(from: 0, to: count, by: chunk) {
                let masks = (start..<min(start + chunk, count)).map { mask($0, options: options, spatial: spatial) }
                let scores = try request.scores(ofInputVariants: masks.count, sample: index, classIndex: base.classes[index]) { i, buffer in
                    request.masked(request.sample(index), with: masks[i], into: buffer)
                }
                for (mask, score) in zip(masks, scores) { for p in 0..<positions { saliency[p] += score * mask[p] } }
            }
            let scale = 1 / (Float(count) * options.maskProbability)
            return MapMath.normalized(saliency.map { $0 * scale })
        }
        return Explanation(maps: maps, spatial: spatial, classes: base.classes, scores: base.scores)
    }

    private func maskCount(_ request: ExplanationRequest) throws -> Int {
        let spatial = request.geometry.spatial
        guard let masks = request.options.masks else {
            let count = request.options.maskCount ?? (spatial.count == 2 ? 4000 : 2000)
            guard count > 0 else { throw ExplainError("rise needs at least one mask") }
            return count
        }
        guard masks.rank == spatial.count + 1, Array(masks.shape.dropFirst()) == spatial, masks.shape[0] > 0 else {
            throw ExplainError("the given masks have shape \(masks.shape); rise needs (N, \(spatial.map(String.init).joined(separator: ", ")))")
        }
        return masks.shape[0]
    }

    /// Mask `index`: the given one, or drawn from its own generator so every sample and chunk sees the same masks.
    private func mask(_ index: Int, options: ExplanationOptions, spatial: [Int]) -> [Float] {
        let positions = spatial.reduce(1, *)
        if let masks = options.masks { return Array(masks.scalars[(index * positions)..<((index + 1) * positions)]) }
        var generator = SeededGenerator.forSample(index, seed: options.seed)
        let s = options.grid
        let grid = (0..<Int(pow(Double(s), Double(spatial.count)))).map { _ in
            generator.uniform() < Double(options.maskProbability) ? Float(1) : 0
        }
        let cells = spatial.map { ($0 + s - 1) / s }
        let upsampled = cells.map { (s + 1) * $0 }
        let big = Resampling.resize(grid, shape: Array(repeating: s, count: spatial.count), to: upsampled, method: .linear)
        let shift = cells.map { Int(generator.uniform() * Double($0)) }
        if spatial.count == 1 { return Array(big[shift[0]..<(shift[0] + spatial[0])]) }
        var cropped: [Float] = []
        cropped.reserveCapacity(positions)
        for r in 0..<spatial[0] {
            let start: Int = (r + shift[0]) * upsampled[1] + shift[1]
            cropped += big[start..<(start + spatial[1])]
        }
        return cropped
    }
}
