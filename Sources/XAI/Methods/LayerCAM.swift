/// Layer-CAM (Jiang et al. 2021): `M_p = Σ_k ReLU(∂y/∂A_pk) A_pk`.
struct LayerCAM: CAMWeighting {
    var needsGradients: Bool { true }
    func map(_ layer: LayerSample) -> [Float] {
        MapMath.elementwiseSum(layer.activations, layer.gradients!, channels: layer.channels) { max($0, 0) }
    }
}
