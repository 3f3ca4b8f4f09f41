/// Drop and increase rates exactly as the course's `calculate_drop_increase`: keep the input where the map is above
/// the (⌊n·frac⌋+1)-th largest map value (strictly), zero the rest in every channel, and compare the explained
/// class's score `O` with the original `Y`: `η = (Y − O)/Y`, drop = `max(η, 0)`, increase = `η < 0`.
public struct DropIncrease: Sendable, Equatable {
    /// Mean drop over the samples, a fraction.
    public var dropRate: Double
    /// Fraction of samples whose score rose.
    public var increaseRate: Double
    /// Per sample: `η`.
    public var changes: [Double]

    init(original: [Float], masked: [Float]) {
        self.init(changes: zip(original, masked).map { y, o in y == 0 ? 0 : Double((y - o) / y) })
    }

    init(changes: [Double]) {
        self.changes = changes
        let n = Double(max(changes.count, 1))
        dropRate = changes.reduce(0) { $0 + max($1, 0) } / n
        increaseRate = Double(changes.filter { $0 < 0 }.count) / n
    }

    /// The rates of consecutive pieces of a set, as if scored at once.
    init(merging parts: [DropIncrease]) { self.init(changes: parts.flatMap(\.changes)) }

    /// The hard mask of one map: 1 where the map is above the (⌊n·frac⌋+1)-th largest value, else 0.
    static func keepMask(_ map: ArraySlice<Float>, frac: Double) -> [Float] {
        let sorted = map.sorted(by: >)
        let rank = min(Int((Double(sorted.count) * frac).rounded(.down)), sorted.count - 1)
        let threshold = sorted[max(rank, 0)]
        return map.map { $0 > threshold ? 1 : 0 }
    }
}
