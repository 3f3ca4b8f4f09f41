import Foundation
import KerasLensGraph

/// Graph's SplitMix64 with the draws the stochastic methods need, so that `--seed` makes a run repeat exactly on
/// any machine.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { source.next() }

    /// A uniform draw in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = 1 - uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * uniform())
    }

    /// An independent generator for draw stream `index` (a sample's position in the whole set, a RISE mask's number).
    static func forSample(_ index: Int, seed: UInt64) -> SeededGenerator {
        var mixer = SeededGenerator(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        return SeededGenerator(seed: mixer.next())
    }
}
