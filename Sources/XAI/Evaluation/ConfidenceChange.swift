/// Average Drop % and Increase in Confidence % (Chattopadhay et al. 2018, the Grad-CAM++ paper): the map itself,
/// scaled to [0, 1], is a soft mask on the input: `O = y(x ⊙ M)`; average drop = `mean(max(0, Y − O)/Y)`, increase
/// in confidence = the fraction of samples with `O > Y`. Kept per sample too, for Win %.
public struct ConfidenceChange: Sendable, Equatable {
    /// A fraction (×100 for the paper's %).
    public var averageDrop: Double
    /// A fraction (×100 for the paper's %).
    public var increaseInConfidence: Double
    /// Per sample: `max(0, Y − O)/Y`.
    public var drops: [Double]
    /// Per sample: `O > Y`.
    public var increased: [Bool]

    init(original: [Float], masked: [Float]) {
        self.init(drops: zip(original, masked).map { y, o in y == 0 ? 0 : Double(max(0, y - o) / y) },
                  increased: zip(original, masked).map { $1 > $0 })
    }

    init(drops: [Double], increased: [Bool]) {
        self.drops = drops
        self.increased = increased
        let n = Double(max(drops.count, 1))
        averageDrop = drops.reduce(0, +) / n
        increaseInConfidence = Double(increased.filter { $0 }.count) / n
    }

    /// The rates of consecutive pieces of a set, as if scored at once.
    init(merging parts: [ConfidenceChange]) {
        self.init(drops: parts.flatMap(\.drops), increased: parts.flatMap(\.increased))
    }

    /// Win % between methods (the Grad-CAM++ paper): per sample, the method whose soft mask loses the least
    /// confidence wins; a tie splits the sample between the tied methods. Fractions per method, in order.
    public static func winRates(_ methods: [ConfidenceChange]) -> [Double] {
        guard let count = methods.first?.drops.count, count > 0, methods.count > 1 else { return methods.map { _ in 1 } }
        var wins = [Double](repeating: 0, count: methods.count)
        for sample in 0..<count {
            let drops = methods.map { $0.drops[sample] }
            let best = drops.min()!
            let winners = drops.indices.filter { drops[$0] == best }
            for winner in winners { wins[winner] += 1 / Double(winners.count) }
        }
        return wins.map { $0 / Double(count) }
    }
}
