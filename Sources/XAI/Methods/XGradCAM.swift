/// XGrad-CAM (Fu et al. 2020, as pytorch-grad-cam): `w_k = Σ_p g_pk A_pk / (Σ_p A_pk + 1e-7)`, `M = Σ_k w_k A_k`.
struct XGradCAM: CAMWeighting {
    var needsGradients: Bool { true }

    func map(_ layer: LayerSample) -> [Float] {
        let sums = MapMath.channelSums(layer.activations, channels: layer.channels)
        var weights = [Float](repeating: 0, count: layer.channels)
        for (offset, (a, g)) in zip(layer.activations, layer.gradients!).enumerated() {
            weights[offset % layer.channels] += g * a
        }
        for k in weights.indices { weights[k] /= sums[k] + 1e-7 }
        return layer.weighted(by: weights)
    }
}
