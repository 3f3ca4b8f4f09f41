/// Small operations on spatial maps and position-major (positions × channels) activations.
enum MapMath {
    static func relu(_ values: [Float]) -> [Float] { values.map { max($0, 0) } }

    /// `values / max(values)` when the maximum is positive; otherwise unchanged (an all-zero map stays zero).
    static func normalized(_ values: [Float]) -> [Float] {
        guard let top = values.max(), top > 0 else { return values }
        return values.map { $0 / top }
    }

    /// `M_p = Σ_k w_k A_pk` for position-major activations, each sum in channel order; four positions' sums run side
    /// by side, as the one dependent chain of additions per position was the whole cost.
    static func weightedSum(_ activations: ArraySlice<Float>, weights: [Float]) -> [Float] {
        let channels = weights.count
        let positions = channels == 0 ? 0 : activations.count / channels
        var sums = [Float](repeating: 0, count: positions)
        activations.withUnsafeBufferPointer { a in
            weights.withUnsafeBufferPointer { w in
                sums.withUnsafeMutableBufferPointer { sums in
                    var p = 0
                    while p + 4 <= positions {
                        let (a0, a1, a2, a3) = (a.baseAddress! + p * channels, a.baseAddress! + (p + 1) * channels,
                                                a.baseAddress! + (p + 2) * channels, a.baseAddress! + (p + 3) * channels)
                        var (s0, s1, s2, s3): (Float, Float, Float, Float) = (0, 0, 0, 0)
                        for k in 0..<channels {
                            s0 += w[k] * a0[k]; s1 += w[k] * a1[k]; s2 += w[k] * a2[k]; s3 += w[k] * a3[k]
                        }
                        (sums[p], sums[p + 1], sums[p + 2], sums[p + 3]) = (s0, s1, s2, s3)
                        p += 4
                    }
                    for p in p..<positions {
                        var sum: Float = 0
                        for k in 0..<channels { sum += w[k] * a[p * channels + k] }
                        sums[p] = sum
                    }
                }
            }
        }
        return sums
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

    /// Per channel, the sum over positions, in position order.
    static func channelSums(_ values: ArraySlice<Float>, channels: Int) -> [Float] {
        var sums = [Float](repeating: 0, count: channels)
        guard channels > 0 else { return sums }
        values.withUnsafeBufferPointer { v in
            sums.withUnsafeMutableBufferPointer { sums in
                for start in stride(from: 0, to: v.count - channels + 1, by: channels) {
                    for k in 0..<channels { sums[k] += v[start + k] }
                }
            }
        }
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
