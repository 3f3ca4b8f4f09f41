/// Grad-CAM (Selvaraju et al. 2017): `w_k = (1/P) Σ_p ∂y/∂A_pk`, `M = Σ_k w_k A_k`.
struct GradCAM: CAMWeighting {
    var needsGradients: Bool { true }
    func map(_ layer: LayerSample) -> [Float] { layer.weighted(by: layer.meanGradients) }
}
