/// Feature maps of chosen channels turned into input masks (Score-CAM, SISE): each brought to the input's size with
/// linear interpolation and min–max scaled to [0, 1].
struct ChannelMasks {
    let layer: LayerSample
    let channels: [Int]
    let masks: [[Float]]

    init(_ layer: LayerSample, channels: [Int]) {
        self.layer = layer
        self.channels = channels
        let size = layer.request.geometry.spatial
        masks = channels.map { k in
            MapMath.minMaxScaled(Resampling.resize(MapMath.channel(k, of: layer.activations, channels: layer.channels),
                                                   shape: layer.layer.spatial, to: size, method: .linear))
        }
    }

    /// `y(x ⊙ N_k)` for every mask.
    func scores() throws -> [Float] {
        let request = layer.request
        let sample = request.sample(layer.index)
        return try request.scores(ofInputVariants: masks.count, sample: layer.index, classIndex: layer.classIndex) { i, buffer in
            MapMath.mask(sample, with: masks[i], channels: request.geometry.channels, into: buffer)
        }
    }
}
