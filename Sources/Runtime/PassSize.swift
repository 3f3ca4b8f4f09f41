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
