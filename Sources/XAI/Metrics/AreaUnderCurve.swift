/// The area under a piecewise-linear curve, as `sklearn.metrics.auc(x, y)`.
public enum AreaUnderCurve {
    /// The trapezoid rule over the points in order; `x` may run either way (a decreasing `x` gives the area as a
    /// positive number). `nil` where scikit-learn raises: fewer than two points, different lengths, or an `x` that
    /// neither only rises nor only falls. NaNs propagate, as in NumPy.
    public static func trapezoid(x: [Double], y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2 else { return nil }
        let steps = zip(x.dropFirst(), x).map { $0 - $1 }
        var direction = 1.0
        if steps.contains(where: { $0 < 0 }) {
            guard steps.allSatisfy({ !($0 > 0) }) else { return nil }
            direction = -1
        }
        var area = 0.0
        for i in steps.indices { area += steps[i] * (y[i + 1] + y[i]) / 2 }
        return direction * area
    }
}
