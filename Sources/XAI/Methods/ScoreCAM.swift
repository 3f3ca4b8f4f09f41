import Foundation

/// Score-CAM (Wang et al. 2020, as pytorch-grad-cam): each channel, brought to the input's size (linear) and
/// min–max scaled, masks the input: `s_k = y(x ⊙ N_k)`; `w = softmax(s)`, `M = Σ_k w_k A_k`.
///
/// `maxChannels` N is tf-keras-vis's `max_N` (Faster Score-CAM): only the N channels whose activations vary most
/// over the positions (standard deviation) mask the input, the softmax runs over their scores, and the other
/// channels weigh zero. N forward passes instead of one per channel, but another map, so it is off by default; N at
/// least the channel count is the exact method. Chosen per sample (tf-keras-vis pools a batch's choices, which
/// would make a sample's map depend on its batch).
struct ScoreCAM: CAMWeighting {
    var needsGradients: Bool { false }

    func map(_ layer: LayerSample) throws -> [Float] {
        let limit = layer.request.options.maxChannels
        if let limit, limit <= 0 { throw ExplainError("scorecam needs a positive number of channels, not \(limit)") }
        let channels = Self.channels(layer.activations, channels: layer.channels, limit: limit)
        let scores = try ChannelMasks(layer, channels: channels).scores()
        let top = scores.max() ?? 0
        let exponentials = scores.map { exp($0 - top) }
        let total = exponentials.reduce(0, +)
        var weights = [Float](repeating: 0, count: layer.channels)
        for (k, exponential) in zip(channels, exponentials) { weights[k] = exponential / total }
        return layer.weighted(by: weights)
    }

    /// The masking channels in ascending order: all of them, or the `limit` whose position-major `activations`
    /// have the largest standard deviation over the positions (ties to the lower channel).
    static func channels(_ activations: ArraySlice<Float>, channels: Int, limit: Int?) -> [Int] {
        let all = Array(0..<channels)
        guard let limit, limit < channels else { return all }
        let spread = MapMath.channelDeviations(activations, channels: channels)
        let ranked = all.sorted { spread[$0] != spread[$1] ? spread[$0] > spread[$1] : $0 < $1 }
        return ranked.prefix(limit).sorted()
    }
}
