/// Small operations on spatial maps and position-major (positions × channels) activations.
enum MapMath {
    static func relu(_ values: [Float]) -> [Float] { values.map { max($0, 0) } }

    /// `values / max(values)` when the maximum is positive; otherwise unchanged (an all-zero map stays zero).
    static func normalized(_ values: [Float]) -> [Float] {
        guard let top = values.max(), top > 0 else { return values }
        return values.map { $0 / top }
    }

    /// `M_p = Σ_k w_k A_pk` for position-major activations.
    static func weightedSum(_ activations: ArraySlice<Float>, weights: [Float]) -> [Float] {
        let channels = weights.count
        return activations.withContiguousStorageIfAvailable { a in
            (0..<(a.count / channels)).map { p in
                var sum: Float = 0
                for k in 0..<channels { sum += weights[k] * a[p * channels + k] }
                return sum
            }
        }!
    }

    /// `M_p = Σ_k f(g_pk) A_pk`: activations weighted position by position.
    static func elementwiseSum(_ activations: ArraySlice<Float>, _ gradients: ArraySlice<Float>, channels: Int,
                               _ weight: (Float) -> Float) -> [Float] {
        let a = Array(activations), g = Array(gradients)
        return (0..<(a.count / channels)).map { p in
            var sum: Float = 0
            for k in 0..<channels { sum += weight(g[p * channels + k]) * a[p * channels + k] }
            return sum
        }
    }

    /// Per channel, the sum over positions.
    static func channelSums(_ values: ArraySlice<Float>, channels: Int) -> [Float] {
        var sums = [Float](repeating: 0, count: channels)
        for (offset, value) in values.enumerated() { sums[offset % channels] += value }
        return sums
    }

    /// Per channel, the (population) standard deviation over positions of position-major values, in Double.
    static func channelDeviations(_ values: ArraySlice<Float>, channels: Int) -> [Double] {
        let positions = Double(values.count / max(channels, 1))
        var means = [Double](repeating: 0, count: channels), squares = means
        for (offset, value) in values.enumerated() { means[offset % channels] += Double(value) }
        means = means.map { $0 / positions }
        for (offset, value) in values.enumerated() {
            let deviation = Double(value) - means[offset % channels]
            squares[offset % channels] += deviation * deviation
        }
        return squares.map { ($0 / positions).squareRoot() }
    }

    /// Channel `k` of position-major activations, as a spatial map. Reads the slice in place: Score-CAM calls this
    /// once per channel, and a copy of all of them each time was 822 MB of copying for ResNet50's 2,048 channels.
    static func channel(_ k: Int, of activations: ArraySlice<Float>, channels: Int) -> [Float] {
        stride(from: activations.startIndex + k, to: activations.endIndex, by: channels).map { activations[$0] }
    }

    /// `x ⊙ M`: every channel of each position of `sample` times that position's mask value, into `output`.
    static func mask(_ sample: ArraySlice<Float>, with mask: some Collection<Float>, channels: Int,
                     into output: UnsafeMutableBufferPointer<Float>) {
        var offset = 0
        var position = sample.startIndex
        for m in mask {
            for _ in 0..<channels {
                output[offset] = sample[position] * m
                offset += 1
                position += 1
            }
        }
    }

    /// `(U − min U) / (max U − min U + 1e-8)`, the min–max scaling Score-CAM and SISE give their masks.
    static func minMaxScaled(_ values: [Float]) -> [Float] {
        guard let low = values.min(), let high = values.max() else { return values }
        let range = high - low + 1e-8
        return values.map { ($0 - low) / range }
    }
}
