/// Feature maps of chosen channels turned into input masks (Score-CAM, SISE): each brought to the input's size with
/// linear interpolation and min–max scaled to [0, 1]. A mask is made when its masked input is, batch by batch, so
/// memory holds one batch of masked inputs rather than a mask per channel (ResNet50's 2,048 channels at 224² would
/// be 400 MB per sample).
struct ChannelMasks {
    let layer: LayerSample
    let channels: [Int]

    init(_ layer: LayerSample, channels: [Int]) {
        self.layer = layer
        self.channels = channels
    }

    /// The mask of `channels[i]`, over the input's positions.
    func mask(_ i: Int) -> [Float] {
        MapMath.minMaxScaled(Resampling.resize(MapMath.channel(channels[i], of: layer.activations, channels: layer.channels),
                                               shape: layer.layer.spatial, to: layer.request.geometry.spatial, method: .linear))
    }

    /// `y(x ⊙ N_k)` for every mask, the masked inputs scored `batchSize` at a time through the inference plan.
    func scores() throws -> [Float] {
        let request = layer.request
        let sample = request.sample(layer.index)
        return try request.scores(ofInputVariants: channels.count, sample: layer.index, classIndex: layer.classIndex) { i, buffer in
            request.masked(sample, with: mask(i), into: buffer)
        }
    }
}
