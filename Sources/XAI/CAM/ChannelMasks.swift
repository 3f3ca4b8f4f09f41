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
    /// Channels with bit-identical activations (a ReLU layer's dead channels: 132 of ResNet50's 2,048 at
    /// `conv5_block3_out` on the benchmark's image) give bit-identical masked inputs, so each distinct one is scored
    /// once and its score shared: the scores are those of scoring every channel, as a sample's score does not
    /// depend on the batch it is in.
    func scores() throws -> [Float] {
        let request = layer.request
        let sample = request.sample(layer.index)
        var firstOf: [[UInt32]: Int] = [:]
        var distinct: [Int] = []
        let slots = channels.indices.map { i in
            let bits = MapMath.channel(channels[i], of: layer.activations, channels: layer.channels).map(\.bitPattern)
            if let slot = firstOf[bits] { return slot }
            firstOf[bits] = distinct.count
            distinct.append(i)
            return distinct.count - 1
        }
        let scores = try request.scores(ofInputVariants: distinct.count, sample: layer.index, classIndex: layer.classIndex) { j, buffer in
            request.masked(sample, with: mask(distinct[j]), into: buffer)
        }
        return slots.map { scores[$0] }
    }
}
