import KerasLensGraph

extension Plan {
    /// Bytes of the largest activation one pass may hold. Big enough that small models run their whole batch in
    /// one pass (MNIST-1D: 4 KB a sample), small enough that an image model's layer outputs stay in the last-level
    /// cache and that memory stays bounded for any batch size (HMT: 6.4 MB a sample, so two images a pass instead
    /// of 205 MB a layer for a batch of 32). The results do not depend on it: samples are independent.
    static let passBytes = 16 << 20

    /// Samples per pass for `predict`: at most `limit`, at most what fits `passBytes`, at least one.
    func passSize(limit: Int) -> Int {
        let largest = steps.map(\.count).max() ?? 1
        return max(1, min(limit, Self.passBytes / max(1, largest * MemoryLayout<Float>.size)))
    }
}

extension Model {
    /// `body` over consecutive runs of at most `plan.passSize` of `batch` samples, the results joined: memory stays
    /// bounded for any batch, and since samples are independent the result is the one a single pass gives.
    func inPasses<Result, Failure: Error>(of batch: Int, plan: Plan, join: ([Result]) -> Result,
                                          _ body: (Range<Int>) throws(Failure) -> Result) throws(Failure) -> Result {
        let pass = plan.passSize(limit: batch)
        guard pass < batch else { return try body(0..<batch) }
        var parts: [Result] = []
        for start in stride(from: 0, to: batch, by: pass) { parts.append(try body(start..<min(start + pass, batch))) }
        return join(parts)
    }
}

extension Model.Outputs {
    /// The outputs of consecutive runs of samples, as one.
    init(joining parts: [Model.Outputs]) {
        outputs = parts[0].outputs.indices.map { i in Tensor(joiningSamples: parts.map { $0.outputs[i] }) }
        layers = parts[0].layers.keys.reduce(into: [:]) { result, name in
            result[name] = Tensor(joiningSamples: parts.map { $0.layers[name]! })
        }
    }
}
