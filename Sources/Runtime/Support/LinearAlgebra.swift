import COpenBLAS

/// The double-precision linear algebra the explainers need (Eigen-CAM's principal direction, LIME's and SHAP's
/// weighted fits), through the BLAS and LAPACK that OpenBLAS ships, as NumPy and scikit-learn use them. It lives
/// here so that the runtime alone owns OpenBLAS and its set-up (`BLAS.configured`).
public enum LinearAlgebra {
    /// The unit eigenvector of the largest eigenvalue of a symmetric `n × n` matrix (row-major; only one triangle
    /// is read). Nil if LAPACK reports no convergence.
    public static func topEigenvector(ofSymmetric matrix: [Double], n: Int) -> [Double]? {
        _ = BLAS.configured
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
    public static func leastSquares(_ matrix: [Double], _ rhs: [Double], rows: Int, columns: Int) -> [Double]? {
        _ = BLAS.configured
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

    /// `AᵀA` (`ofColumns`) or `AAᵀ` for a row-major `rows × columns` matrix, both triangles filled.
    public static func gram(_ matrix: [Double], rows: Int, columns: Int, ofColumns: Bool) -> [Double] {
        _ = BLAS.configured
        let n = ofColumns ? columns : rows, depth = ofColumns ? rows : columns
        var result = [Double](repeating: 0, count: n * n)
        guard n > 0, depth > 0 else { return result }
        cblas_dsyrk(CblasRowMajor, CblasUpper, ofColumns ? CblasTrans : CblasNoTrans, Int32(n), Int32(depth), 1,
                    matrix, Int32(columns), 0, &result, Int32(n))
        for i in 0..<n { for j in 0..<i { result[i * n + j] = result[j * n + i] } }
        return result
    }

    /// `A x` or `Aᵀ x` (`transposed`) for a row-major `rows × columns` matrix.
    public static func product(_ matrix: [Double], rows: Int, columns: Int, transposed: Bool, _ x: [Double]) -> [Double] {
        _ = BLAS.configured
        var result = [Double](repeating: 0, count: transposed ? columns : rows)
        guard rows > 0, columns > 0 else { return result }
        cblas_dgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, Int32(rows), Int32(columns), 1, matrix,
                    Int32(columns), x, 1, 0, &result, 1)
        return result
    }
}
