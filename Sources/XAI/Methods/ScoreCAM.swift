import Foundation

/// Score-CAM (Wang et al. 2020, as pytorch-grad-cam): each channel, brought to the input's size (linear) and
/// min–max scaled, masks the input: `s_k = y(x ⊙ N_k)`; `w = softmax(s)`, `M = Σ_k w_k A_k`.
struct ScoreCAM: CAMWeighting {
    var needsGradients: Bool { false }

    func map(_ layer: LayerSample) throws -> [Float] {
        let masks = ChannelMasks(layer, channels: Array(0..<layer.channels))
        let scores = try masks.scores()
        let top = scores.max() ?? 0
        let exponentials = scores.map { exp($0 - top) }
        let total = exponentials.reduce(0, +)
        return layer.weighted(by: exponentials.map { $0 / total })
    }
}
