import COpenBLAS

/// The two dense solvers the explainers need, through the LAPACK that OpenBLAS ships (double precision, as NumPy
/// and scikit-learn use).
enum LinearAlgebra {
    /// The unit eigenvector of the largest eigenvalue of a symmetric `n × n` matrix (row-major; only one triangle
    /// is read). Nil if LAPACK reports no convergence.
    static func topEigenvector(ofSymmetric matrix: [Double], n: Int) -> [Double]? {
        guard n > 0 else { return [] }
        var a = matrix, values = [Double](repeating: 0, count: n)
        var size = Int32(n), info: Int32 = 0, lwork: Int32 = -1, query = 0.0
        dsyev_("V", "U", &size, &a, &size, &values, &query, &lwork, &info, 1, 1)
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: max(1, Int(lwork)))
        dsyev_("V", "U", &size, &a, &size, &values, &work, &lwork, &info, 1, 1)
        guard info == 0 else { return nil }
        // Eigenvalues come in ascending order, each eigenvector a column (column-major), so the last n values.
        return Array(a[((n - 1) * n)..<(n * n)])
    }

    /// The minimum-norm `x` minimising `‖A x − b‖` for a row-major `rows × columns` matrix, as
    /// `scipy.linalg.lstsq` (LAPACK `gelsd`, singular values below `max(rows, columns)·ε` of the largest treated as
    /// zero). Nil if the SVD does not converge.
    static func leastSquares(_ matrix: [Double], _ rhs: [Double], rows: Int, columns: Int) -> [Double]? {
        guard rows > 0, columns > 0 else { return Array(repeating: 0, count: columns) }
        var a = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows { for c in 0..<columns { a[c * rows + r] = matrix[r * columns + c] } }
        let ldb = max(rows, columns)
        var b = [Double](repeating: 0, count: ldb)
        b.replaceSubrange(0..<rows, with: rhs)
        var m = Int32(rows), n = Int32(columns), nrhs: Int32 = 1, lda = Int32(rows), ldbValue = Int32(ldb)
        var singular = [Double](repeating: 0, count: min(rows, columns))
        var rcond = Double(max(rows, columns)) * Double.ulpOfOne
        var rank: Int32 = 0, info: Int32 = 0, lwork: Int32 = -1, query = 0.0, iquery: Int32 = 0
        dgelsd_(&m, &n, &nrhs, &a, &lda, &b, &ldbValue, &singular, &rcond, &rank, &query, &lwork, &iquery, &info)
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: max(1, Int(lwork)))
        var iwork = [Int32](repeating: 0, count: max(1, Int(iquery)))
        dgelsd_(&m, &n, &nrhs, &a, &lda, &b, &ldbValue, &singular, &rcond, &rank, &work, &lwork, &iwork, &info)
        guard info == 0 else { return nil }
        return Array(b[0..<columns])
    }
}
