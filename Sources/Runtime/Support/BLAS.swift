import COpenBLAS

/// Row-major single-precision matrix products through OpenBLAS. The runtime spreads work over cores itself, so
/// OpenBLAS is kept to one thread to avoid two thread pools fighting over two cores.
enum BLAS {
    /// OpenBLAS set up once, before its first use (`Model.init` touches it too, so it happens before any model runs
    /// or is explained): one thread, and its vector kernels on a CPU its build does not know
    /// (`kl_openblas_replace_fallback_core`).
    static let configured: Void = {
        if let isa = VectorISA.available.first { _ = kl_openblas_replace_fallback_core(isa == .avx512 ? "SkylakeX" : "Haswell") }
        openblas_set_num_threads(1)
    }()

    /// `c[m×n] = a[m×k] · b[k×n] (+ c if accumulate)`, all row-major with their natural leading dimensions unless
    /// `rowStrideA` (an untransposed `a`) or `rowStrideC` says how far apart their rows are: a grouped
    /// convolution's products read and write a band of columns of a wider matrix.
    static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
                         m: Int, n: Int, k: Int, accumulate: Bool = false, transposeA: Bool = false, transposeB: Bool = false,
                         rowStrideA: Int? = nil, rowStrideC: Int? = nil) {
        _ = configured
        guard m > 0, n > 0 else { return }
        precondition(rowStrideA == nil || !transposeA, "a row stride is for an untransposed a")
        let ldc = rowStrideC ?? n
        guard k > 0 else {
            if !accumulate { for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(transposeA ? m : rowStrideA ?? k), b, Int32(transposeB ? k : n),
                    accumulate ? 1 : 0, c, Int32(ldc))
    }

    /// The columns `columns` of one row's product `y = x[k] · b[k×n]` (`y` and `b` from their column 0; `b`'s rows `n`
    /// apart), or with `transposeB` the entries `columns` of `y = x[k] · b[n×k]ᵀ` (adding to `y` if `accumulate`):
    /// a matrix-vector product, which reads each weight once where sgemm would first pack all of `b` for a single
    /// row. Each entry's sum runs over `k` in the same order whatever `columns` is.
    static func multiplyRow(_ x: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                            columns: Range<Int>, n: Int, k: Int, accumulate: Bool = false, transposeB: Bool = false) {
        _ = configured
        guard !columns.isEmpty, k > 0 else {
            if !accumulate { (y + columns.lowerBound).update(repeating: 0, count: columns.count) }
            return
        }
        let first = columns.lowerBound, count = Int32(columns.count), beta: Float = accumulate ? 1 : 0
        if transposeB {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, count, Int32(k), 1, b + first * k, Int32(k), x, 1, beta, y + first, 1)
        } else {
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), count, 1, b + first, Int32(n), x, 1, beta, y + first, 1)
        }
    }
}
