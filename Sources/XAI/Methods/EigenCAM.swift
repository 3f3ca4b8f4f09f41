import KerasLensRuntime

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
        var projection = LinearAlgebra.product(centred, rows: p, columns: k, transposed: false, direction)
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
            return LinearAlgebra.topEigenvector(ofSymmetric: LinearAlgebra.gram(centred, rows: p, columns: k, ofColumns: true), n: k)
        }
        guard let u = LinearAlgebra.topEigenvector(ofSymmetric: LinearAlgebra.gram(centred, rows: p, columns: k, ofColumns: false), n: p) else {
            return nil
        }
        let v = LinearAlgebra.product(centred, rows: p, columns: k, transposed: true, u)
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}
