import KerasLensRuntime

/// Weighted least squares with an intercept, as scikit-learn's `LinearRegression.fit(X, y, sample_weight=w)`:
/// centre X and y on their weighted means, scale rows by `sqrt(w)`, take the minimum-norm least-squares solution,
/// and recover the intercept from the means.
enum WeightedLeastSquares {
    static func fit(_ x: [Double], _ y: [Double], weights: [Double], rows: Int, columns: Int,
                    segments: [Int32], top: Int) throws -> LinearSurrogate {
        let total = weights.reduce(0, +)
        guard total > 0 else { throw ExplainError("lime: every perturbation has zero weight; widen the kernel width") }
        var xMean = [Double](repeating: 0, count: columns)
        for r in 0..<rows { for c in 0..<columns { xMean[c] += weights[r] * x[r * columns + c] / total } }
        let yMean = zip(weights, y).reduce(0) { $0 + $1.0 * $1.1 } / total
        var a = [Double](repeating: 0, count: rows * columns), b = [Double](repeating: 0, count: rows)
        for r in 0..<rows {
            let scale = weights[r].squareRoot()
            for c in 0..<columns { a[r * columns + c] = scale * (x[r * columns + c] - xMean[c]) }
            b[r] = scale * (y[r] - yMean)
        }
        guard let coefficients = LinearAlgebra.leastSquares(a, b, rows: rows, columns: columns) else {
            throw ExplainError("lime: the least-squares fit did not converge")
        }
        let intercept = yMean - zip(xMean, coefficients).reduce(0) { $0 + $1.0 * $1.1 }
        var residual = 0.0, spread = 0.0
        for r in 0..<rows {
            let prediction = intercept + (0..<columns).reduce(0.0) { $0 + x[r * columns + $1] * coefficients[$1] }
            residual += weights[r] * (y[r] - prediction) * (y[r] - prediction)
            spread += weights[r] * (y[r] - yMean) * (y[r] - yMean)
        }
        let ranked = coefficients.indices.sorted { coefficients[$0] > coefficients[$1] || (coefficients[$0] == coefficients[$1] && $0 < $1) }
        return LinearSurrogate(segments: segments, intercept: intercept, coefficients: coefficients,
                               topFeatures: Array(ranked.prefix(max(0, top))), score: spread > 0 ? 1 - residual / spread : 0)
    }
}
