import KerasLensGraph

/// Reads per-axis (before, after) amounts: an integer, one integer per axis, or a pair per axis.
func readPairs(_ config: LayerConfig, key: String, rank: Int) throws(GraphError) -> [[Int]] {
    guard let value = config.values[key] else { throw config.error(.invalidConfig, "missing option '\(key)'") }
    if let single = value.int { return Array(repeating: [single, single], count: rank) }
    guard let list = value.array else { throw config.error(.invalidConfig, "option '\(key)' is not a list") }
    if rank == 1, list.count == 2, let before = list[0].int, let after = list[1].int { return [[before, after]] }
    guard list.count == rank else { throw config.error(.invalidConfig, "option '\(key)' needs \(rank) entries") }
    var pairs: [[Int]] = []
    for item in list {
        if let amount = item.int {
            pairs.append([amount, amount])
        } else if let pair = item.array, pair.count == 2, let before = pair[0].int, let after = pair[1].int {
            pairs.append([before, after])
        } else {
            throw config.error(.invalidConfig, "option '\(key)' has an entry that is not an integer or a pair")
        }
    }
    guard pairs.joined().allSatisfy({ $0 >= 0 }) else { throw config.error(.invalidConfig, "option '\(key)' is negative") }
    return pairs
}

func zeroPaddingBuilder(rank: Int) -> LayerBuilder {
    { config, _ throws(GraphError) in
        try config.requireChannelsLast()
        return BuiltLayer(op: .zeroPadding(pads: try readPairs(config, key: "padding", rank: rank)))
    }
}

func croppingBuilder(rank: Int) -> LayerBuilder {
    { config, _ throws(GraphError) in
        try config.requireChannelsLast()
        return BuiltLayer(op: .cropping(crops: try readPairs(config, key: "cropping", rank: rank)))
    }
}

/// UpSampling1D/2D: nearest repeats each position; UpSampling2D's bilinear resizes as `tf.image.resize`.
func upsamplingBuilder(rank: Int) -> LayerBuilder {
    { config, inputs throws(GraphError) in
        try config.requireChannelsLast()
        let size = try config.ints("size", count: rank, default: Array(repeating: 2, count: rank))
        guard size.allSatisfy((1...ShapeLimits.maxAttribute).contains) else {
            throw config.error(.invalidConfig, "size \(size) is outside 1…\(ShapeLimits.maxAttribute)")
        }
        switch try interpolation(config, default: "nearest") {
        case .nearest:
            return BuiltLayer(op: .upsampling(size: size))
        case .bilinear:
            // UpSampling2D's bilinear is tf.image.resize to the multiplied size.
            guard let input = inputs.first, input.count == 3 else {
                throw config.error(.shape, "expects [height, width, channels] images, got \(inputs.first ?? [])")
            }
            return BuiltLayer(op: .resize(size: zip(input, size).map { $0 * $1 }, interpolation: .bilinear))
        }
    }
}

/// Keras's Resizing: `tf.image.resize` of [H, W, C] images to (height, width), bilinear or nearest, without
/// antialiasing. Cropping or padding to the aspect ratio first is refused.
@Sendable func buildResizing(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    try config.requireChannelsLast()
    for option in ["crop_to_aspect_ratio", "pad_to_aspect_ratio", "antialias"] where try config.bool(option, default: false) {
        throw config.error(.unsupported, "\(option) is not supported")
    }
    let size = [try config.int("height"), try config.int("width")]
    return BuiltLayer(op: .resize(size: size, interpolation: try interpolation(config)))
}

/// Keras's CenterCrop: the central (height, width) window of [H, W, C] images at least that large, starting at
/// half the difference rounded down. Both Kerases resize smaller images instead (`smart_resize`), which is refused.
@Sendable func buildCenterCrop(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    try config.requireChannelsLast()
    let target = [try config.int("height"), try config.int("width")]
    guard let input = inputs.first, input.count == 3 else {
        throw config.error(.shape, "expects [height, width, channels] images, got \(inputs.first ?? [])")
    }
    guard target[0] >= 1, target[1] >= 1, target[0] <= input[0], target[1] <= input[1] else {
        throw config.error(.unsupported, "cropping \(Array(input.prefix(2))) images to \(target) needs Keras's resize of smaller images, which is not supported")
    }
    let crops = zip(input, target).map { size, kept in [(size - kept) / 2, size - kept - (size - kept) / 2] }
    return BuiltLayer(op: .cropping(crops: crops))
}

/// The `interpolation` option of a resampling layer: bilinear or nearest; the others are refused by name.
private func interpolation(_ config: LayerConfig, default fallback: String = "bilinear") throws(GraphError) -> Interpolation {
    let name = try config.string("interpolation", default: fallback)
    guard let interpolation = Interpolation(rawValue: name) else {
        throw config.error(.unsupported, "interpolation '\(name)' is not supported; only bilinear and nearest")
    }
    return interpolation
}
