/// Grad-CAM++ (Chattopadhay et al. 2018), the closed form for an exponential score: with `g = ∂y/∂A` and
/// `S_k = Σ_p A_pk`, `α = g² / (2g² + S_k g³)` (0 where g = 0 or the denominator is 0), `w_k = Σ_p ReLU(g) α`,
/// `M = Σ_k w_k A_k`.
struct GradCAMPlusPlus: CAMWeighting {
    var needsGradients: Bool { true }

    func map(_ layer: LayerSample) -> [Float] {
        let sums = MapMath.channelSums(layer.activations, channels: layer.channels)
        var weights = [Float](repeating: 0, count: layer.channels)
        for (offset, g) in zip(0..., layer.gradients!) where g > 0 {
            let k = offset % layer.channels
            let g2 = g * g
            let denominator = 2 * g2 + sums[k] * g2 * g
            if denominator != 0 { weights[k] += g * (g2 / denominator) }
        }
        return layer.weighted(by: weights)
    }
}
