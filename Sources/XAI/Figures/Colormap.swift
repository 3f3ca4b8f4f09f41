/// A colour map built the way matplotlib builds a `LinearSegmentedColormap`, so that a map drawn here has the colours
/// the course's `plt.imshow(…, cmap=…)` figures had: each channel is piecewise linear between anchor points, sampled
/// into a lookup table of `count` entries (matplotlib's `image.lut`, 256), and a value picks an entry by
/// `floor(value · count)` rather than being interpolated exactly.
public struct Colormap: Sendable {
    /// One anchor of a channel, matplotlib's `(x, y0, y1)` row: the channel is `below` just left of `x` and `above`
    /// just right of it (equal for a continuous channel).
    public struct Anchor: Sendable {
        public var x: Double
        public var below: Double
        public var above: Double

        public init(_ x: Double, _ below: Double, _ above: Double) {
            self.x = x
            self.below = below
            self.above = above
        }
    }

    /// Entries in the lookup table.
    public let count: Int
    /// `count` RGB triples in [0, 1], entry after entry.
    private let table: [Double]

    /// A colour map from each channel's anchors, which must run from x = 0 to x = 1 in non-decreasing order.
    public init(red: [Anchor], green: [Anchor], blue: [Anchor], count: Int = 256) {
        precondition(count >= 2, "a colour map needs at least 2 entries")
        let channels = [red, green, blue].map { Self.lookupTable($0, count: count) }
        self.count = count
        table = (0..<count).flatMap { i in channels.map { $0[i] } }
    }

    /// The colour of `value` as matplotlib's `cmap(value)[:3]`: values below 0 take the first entry, values above 1 the
    /// last; NaN (matplotlib's "bad", transparent there) is black here.
    public func components(_ value: Float) -> (red: Double, green: Double, blue: Double) {
        guard let i = index(value) else { return (0, 0, 0) }
        return entry(i)
    }

    /// Entry `index` of the lookup table, as matplotlib's `cmap(index)` for an integer `index` in 0..<count.
    public func entry(_ index: Int) -> (red: Double, green: Double, blue: Double) {
        (table[3 * index], table[3 * index + 1], table[3 * index + 2])
    }

    /// The 8-bit colour of `value`, so that `Colormap.jet(x)` reads like matplotlib's `cm.jet(x)`.
    public func callAsFunction(_ value: Float) -> RGBColor {
        let c = components(value)
        return RGBColor(unitRed: c.red, green: c.green, blue: c.blue)
    }

    /// matplotlib's `Colormap.__call__` for floats: scale by `count` in the value's own precision, let exactly 1 take the
    /// last entry, send what is below 0 or at/above `count` to the ends, truncate the rest.
    private func index(_ value: Float) -> Int? {
        guard !value.isNaN else { return nil }
        let scaled = value * Float(count)
        if scaled < 0 { return 0 }
        if scaled >= Float(count) { return count - 1 }
        return Int(scaled)
    }

    /// matplotlib's `_create_lookup_table`: the channel sampled at `linspace(0, 1, count)`, each sample interpolated in
    /// the segment whose right anchor is the first at or after it, the ends taken from the outer anchors, clipped.
    private static func lookupTable(_ anchors: [Anchor], count: Int) -> [Double] {
        precondition(anchors.count >= 2 && anchors.first?.x == 0 && anchors.last?.x == 1
                     && zip(anchors, anchors.dropFirst()).allSatisfy { $0.x <= $1.x },
                     "colour map anchors must run from 0 to 1 in non-decreasing order")
        let step = 1 / Double(count - 1)
        return (0..<count).map { i in
            if i == 0 { return min(max(anchors[0].above, 0), 1) }
            if i == count - 1 { return min(max(anchors[anchors.count - 1].below, 0), 1) }
            let x = Double(i) * step
            let k = anchors.firstIndex { $0.x >= x }!
            let left = anchors[k - 1], right = anchors[k]
            let distance = (x - left.x) / (right.x - left.x)
            return min(max(distance * (right.below - left.above) + left.above, 0), 1)
        }
    }
}

extension Colormap {
    /// matplotlib's 'jet' (`_jet_data` in `matplotlib/_cm.py`): dark blue at 0 through cyan, green and yellow to dark
    /// red at 1; jet(0) = (0, 0, 0.5), jet(1) = (0.5, 0, 0).
    public static let jet = Colormap(
        red: [Anchor(0, 0, 0), Anchor(0.35, 0, 0), Anchor(0.66, 1, 1), Anchor(0.89, 1, 1), Anchor(1, 0.5, 0.5)],
        green: [Anchor(0, 0, 0), Anchor(0.125, 0, 0), Anchor(0.375, 1, 1), Anchor(0.64, 1, 1), Anchor(0.91, 0, 0),
                Anchor(1, 0, 0)],
        blue: [Anchor(0, 0.5, 0.5), Anchor(0.11, 1, 1), Anchor(0.34, 1, 1), Anchor(0.65, 0, 0), Anchor(1, 0, 0)]
    )
}
