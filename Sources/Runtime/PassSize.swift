import KerasLensGraph

extension Plan {
    /// Bytes of the largest activation one pass may hold. Big enough that small models run their whole batch in
    /// one pass (MNIST-1D: 4 KB a sample), small enough that an image model's layer outputs stay in the last-level
    /// cache and that memory stays bounded for any batch size (HMT: 6.4 MB a sample, so two images a pass instead
    /// of 205 MB a layer for a batch of 32). The results do not depend on it: samples are independent.
    static let passBytes = 16 << 20

    /// Samples per pass of a gradient computation: at most `limit`, at most what fits `passBytes`, at least one. It
    /// keeps every activation for the backward pass, so one size holds for all its steps; forward passes grow
    /// theirs as the activations shrink (`passSegments`).
    func passSize(limit: Int) -> Int {
        Self.passSize(largest: steps.map(\.count).max() ?? 1, limit: limit, bytes: Self.passBytes)
    }

    /// Samples per pass when the largest activation holds `largest` floats a sample: at most `limit`, at most
    /// what fits `bytes`, at least one.
    static func passSize(largest: Int, limit: Int, bytes: Int) -> Int {
        max(1, min(limit, bytes / max(1, largest * MemoryLayout<Float>.size)))
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
    /// The outputs of consecutive runs of samples, as one (a single run as it is, not copied).
    init(joining parts: [Model.Outputs]) {
        if parts.count == 1 {
            self = parts[0]
            return
        }
        outputs = parts[0].outputs.indices.map { i in Tensor(joiningSamples: parts.map { $0.outputs[i] }) }
        layers = parts[0].layers.keys.reduce(into: [:]) { result, name in
            result[name] = Tensor(joiningSamples: parts.map { $0.layers[name]! })
        }
    }
}
