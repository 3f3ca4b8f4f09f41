/// HiResCAM (Draelos & Carin 2020): `M_p = Σ_k ∂y/∂A_pk · A_pk`.
struct HiResCAM: CAMWeighting {
    var needsGradients: Bool { true }
    func map(_ layer: LayerSample) -> [Float] {
        MapMath.elementwiseSum(layer.activations, layer.gradients!, channels: layer.channels) { $0 }
    }
}
