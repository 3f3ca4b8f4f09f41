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
        var covariance = [Double](repeating: 0, count: k * k)
        for position in 0..<p {
            let row = position * k
            for i in 0..<k where centred[row + i] != 0 {
                for j in i..<k { covariance[i * k + j] += centred[row + i] * centred[row + j] }
            }
        }
        for i in 0..<k { for j in 0..<i { covariance[i * k + j] = covariance[j * k + i] } }
        guard let direction = LinearAlgebra.topEigenvector(ofSymmetric: covariance, n: k) else {
            throw ExplainError("layer '\(layer.layer.name)': the eigen-decomposition of its activations did not converge")
        }
        var projection = (0..<p).map { position in (0..<k).reduce(0.0) { $0 + centred[position * k + $1] * direction[$1] } }
        let agreement = (0..<p).reduce(0.0) { sum, position in
            sum + projection[position] * (0..<k).reduce(0.0) { $0 + a[position * k + $1] }
        }
        if agreement < 0 { projection = projection.map { -$0 } }
        return projection.map(Float.init)
    }
}
