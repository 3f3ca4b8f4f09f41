import COpenBLAS

/// Eigen-CAM (Muhammad & Yeasin 2020, as pytorch-grad-cam's `get_2d_projection`): the activations centred per
/// channel, `Ā = A − mean_p A`, projected on their first principal direction `v` (the top eigenvector of `ĀᵀĀ`):
/// `M_p = Σ_k Ā_pk v_k`. The sign an SVD leaves arbitrary is fixed so that `Σ_p M_p Σ_k A_pk ≥ 0`: the map agrees
/// with where the layer is active. Class-independent.
struct EigenCAM: CAMWeighting {
    var needsGradients: Bool { false }

    func map(_ layer: LayerSample) throws -> [Float] {
        let k = layer.channels, p = layer.positions
        let a = layer.activations.map(Double.init)
        var means = [Double](repeating: 0, count: k)
        for (offset, value) in a.enumerated() { means[offset % k] += value / Double(p) }
        let centred = a.enumerated().map { $0.element - means[$0.offset % k] }
        guard let direction = Self.principalDirection(centred, positions: p, channels: k) else {
            throw ExplainError("layer '\(layer.layer.name)': the eigen-decomposition of its activations did not converge")
        }
        var projection = Self.product(centred, rows: p, columns: k, transposed: false, direction)
        let agreement = (0..<p).reduce(0.0) { sum, position in
            sum + projection[position] * (0..<k).reduce(0.0) { $0 + a[position * k + $1] }
        }
        if agreement < 0 { projection = projection.map { -$0 } }
        return projection.map(Float.init)
    }

    /// The unit top eigenvector of `ĀᵀĀ` (`k × k`). A deep layer has far fewer positions than channels (ResNet50's
    /// last block: 7 × 7 at 224², 2,048 channels), and then it comes from the `p × p` Gram matrix `ĀĀᵀ` instead: its
    /// top eigenvector `u` gives `v = Āᵀu / ‖Āᵀu‖`, the same direction for a `p³` instead of a `k³` eigenproblem.
    /// Zero when the activations do not vary (any direction projects them to zero).
    static func principalDirection(_ centred: [Double], positions p: Int, channels k: Int) -> [Double]? {
        guard p < k else {
            return LinearAlgebra.topEigenvector(ofSymmetric: gram(centred, rows: p, columns: k, ofColumns: true), n: k)
        }
        guard let u = LinearAlgebra.topEigenvector(ofSymmetric: gram(centred, rows: p, columns: k, ofColumns: false), n: p) else {
            return nil
        }
        let v = product(centred, rows: p, columns: k, transposed: true, u)
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    /// `AᵀA` (`ofColumns`) or `AAᵀ` for a row-major `rows × columns` matrix, both triangles filled.
    private static func gram(_ matrix: [Double], rows: Int, columns: Int, ofColumns: Bool) -> [Double] {
        let n = ofColumns ? columns : rows, depth = ofColumns ? rows : columns
        var result = [Double](repeating: 0, count: n * n)
        cblas_dsyrk(CblasRowMajor, CblasUpper, ofColumns ? CblasTrans : CblasNoTrans, Int32(n), Int32(depth), 1,
                    matrix, Int32(columns), 0, &result, Int32(n))
        for i in 0..<n { for j in 0..<i { result[i * n + j] = result[j * n + i] } }
        return result
    }

    /// `A x` or `Aᵀ x` for a row-major `rows × columns` matrix.
    private static func product(_ matrix: [Double], rows: Int, columns: Int, transposed: Bool, _ x: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: transposed ? columns : rows)
        cblas_dgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, Int32(rows), Int32(columns), 1, matrix,
                    Int32(columns), x, 1, 0, &result, 1)
        return result
    }
}
