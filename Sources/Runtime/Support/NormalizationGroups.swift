/// How a per-sample tensor splits into the groups a normalization reduces over: the positions spanned by `axes`
/// (1-based, as in the op), one group per position of the other axes. Shared by LayerNormalization and
/// UnitNormalization.
struct NormalizationGroups: Sendable {
    /// Elements per group.
    let size: Int
    /// Groups per sample.
    let count: Int
    /// Per-sample positions listed group by group, row-major over `axes` within a group; nil when the axes are the
    /// trailing ones, so that each group is already one contiguous run.
    let order: [Int]?

    init(shape: [Int], axes: [Int]) {
        size = axes.map { shape[$0 - 1] }.reduce(1, *)
        count = shape.reduce(1, *) / max(size, 1)
        order = axes == Array((shape.count - axes.count + 1)...shape.count) ? nil : Self.order(shape, axes: axes, size: size)
    }

    /// The per-sample position of element `k` of `group`.
    @inline(__always) func position(_ group: Int, _ k: Int) -> Int {
        order.map { $0[group * size + k] } ?? group * size + k
    }

    /// `order[group · size + k]` is the position of element k of `group`, both counted row-major (the group over the
    /// other axes, k over `axes`).
    private static func order(_ shape: [Int], axes: [Int], size: Int) -> [Int] {
        let normalized = Set(axes.map { $0 - 1 })
        var order = [Int](repeating: 0, count: shape.reduce(1, *))
        var index = [Int](repeating: 0, count: shape.count)
        for position in order.indices {
            var group = 0, within = 0
            for axis in shape.indices {
                if normalized.contains(axis) { within = within * shape[axis] + index[axis] } else { group = group * shape[axis] + index[axis] }
            }
            order[group * size + within] = position
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
            }
        }
        return order
    }
}
