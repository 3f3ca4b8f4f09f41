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

func upsamplingBuilder(rank: Int) -> LayerBuilder {
    { config, _ throws(GraphError) in
        try config.requireChannelsLast()
        let interpolation = try config.string("interpolation", default: "nearest")
        guard interpolation == "nearest" else {
            throw config.error(.unsupported, "interpolation '\(interpolation)' is not supported; only nearest")
        }
        let size = try config.ints("size", count: rank, default: Array(repeating: 2, count: rank))
        guard size.allSatisfy({ $0 >= 1 }) else { throw config.error(.invalidConfig, "size must be positive") }
        return BuiltLayer(op: .upsampling(size: size))
    }
}
