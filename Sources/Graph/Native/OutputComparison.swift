import KerasLensGraph

/// How far a computed output is from the recorded one. An element passes when `|a − e| ≤ atol + rtol·|e|`
/// (NumPy's `allclose`, with NaN never equal): the rule that replaying a native file's self-test and
/// `keraslens verify` both apply.
public struct OutputComparison: Sendable, Equatable {
    public var shape: [Int]
    public var atol: Float
    public var rtol: Float
    /// The largest `|a − e|`.
    public var maxAbsoluteError: Float
    /// The largest `|a − e| / |e|` over elements whose expected value is not zero (zeros are judged by atol alone,
    /// so that a ReLU output of exactly 0 does not make the ratio infinite).
    public var maxRelativeError: Float
    /// How many elements fail the rule.
    public var failures: Int
    /// The element furthest past (or nearest to) its tolerance, as an index into `shape`, with both values.
    public var worstIndex: [Int]
    public var worstActual: Float
    public var worstExpected: Float

    public var passed: Bool { failures == 0 }
    public var count: Int { shape.reduce(1, *) }

    /// Compares two tensors of the same shape; refuses different shapes, naming both.
    public init(actual: Tensor, expected: Tensor, atol: Float, rtol: Float) throws(GraphError) {
        guard actual.shape == expected.shape else {
            throw GraphError(.shape, "the output has shape \(actual.shape), the expected array \(expected.shape)")
        }
        shape = actual.shape
        self.atol = atol
        self.rtol = rtol
        var maxAbsolute: Float = 0
        var maxRelative: Float = 0
        var failures = 0
        var worst = 0
        var worstExcess = -Float.infinity
        for (position, (a, e)) in zip(actual.scalars, expected.scalars).enumerated() {
            let difference = abs(a - e)
            let excess = difference.isNaN ? Float.infinity : difference - (atol + rtol * abs(e))
            if !(excess <= 0) { failures += 1 }
            if excess > worstExcess { worstExcess = excess; worst = position }
            if difference.isNaN { continue }
            maxAbsolute = max(maxAbsolute, difference)
            if e != 0 { maxRelative = max(maxRelative, difference / abs(e)) }
        }
        if actual.scalars.contains(where: \.isNaN) || expected.scalars.contains(where: \.isNaN) {
            maxAbsolute = .nan
            maxRelative = .nan
        }
        maxAbsoluteError = maxAbsolute
        maxRelativeError = maxRelative
        self.failures = failures
        worstIndex = Self.index(worst, in: shape)
        worstActual = actual.scalars.isEmpty ? 0 : actual.scalars[worst]
        worstExpected = expected.scalars.isEmpty ? 0 : expected.scalars[worst]
    }

    /// A flat row-major position as one index per axis.
    static func index(_ position: Int, in shape: [Int]) -> [Int] {
        var remainder = position
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = remainder % shape[axis]
            remainder /= shape[axis]
        }
        return index
    }
}
