/// One of `count` shares of a set, for spreading a run over the machines of a cluster (Slurm array task,
/// Kubernetes `JOB_COMPLETION_INDEX`). A shard takes a contiguous block of whole batches, not every `count`-th
/// sample: a block is one sequential read of a `.npy` or of a sorted folder; draws stay keyed by global position
/// through `ExplanationOptions.firstSample` unchanged; and because each block starts at a multiple of the batch
/// size, every model call of a shard is one the whole run makes too, with the same samples. That matters: BLAS
/// sums a batch of another size in another order, so a sample's score can differ in the last bit with the company
/// it is batched with, and a strided or unaligned split would not merge to the whole run's numbers exactly.
/// Blocks differ by at most one batch, and no method's cost depends on the class, so they balance well.
public struct Shard: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// 0 ..< count.
    public let index: Int
    public let count: Int

    /// The whole set as one shard.
    public static let whole = Shard(validIndex: 0, count: 1)

    /// Parses `K/N` with `0 ≤ K < N`; nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0, (0..<count).contains(index) else {
            return nil
        }
        self.init(validIndex: index, count: count)
    }

    private init(validIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// This shard's block of `total` samples cut into batches of `batch` (the last one may be short): batches
    /// `[⌊B·K/N⌋, ⌊B·(K+1)/N⌋)` of the `B` batches. Blocks of consecutive shards meet and together cover
    /// `0 ..< total` exactly; a block is empty when there are fewer batches than shards.
    public func block(of total: Int, batch: Int = 1) -> Range<Int> {
        let size = max(1, batch), batches = (total + size - 1) / size
        return min(total, batches * index / count * size)..<min(total, batches * (index + 1) / count * size)
    }

    /// The least batch that whole batches of each of `sizes` fill (their least common multiple): blocks and pieces
    /// cut in it keep every batch of every size where the whole run has it.
    public static func commonBatch(_ sizes: [Int]) -> Int {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        return sizes.map { max(1, $0) }.reduce(1) { $0 / gcd($0, $1) * $1 }
    }

    public var description: String { "\(index)/\(count)" }
}
