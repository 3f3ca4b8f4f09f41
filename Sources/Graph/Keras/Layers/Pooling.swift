import KerasLensGraph

func poolBuilder(_ kind: PoolKind, rank: Int) -> LayerBuilder {
    { config, _ throws(GraphError) in
        let size = try config.ints("pool_size", count: rank, default: Array(repeating: 2, count: rank))
        return BuiltLayer(op: .pool(kind: kind, window: try readWindow(config, rank: rank, sizeKey: "pool_size", defaultStrides: size)))
    }
}

func globalPoolBuilder(_ kind: PoolKind, rank: Int) -> LayerBuilder {
    { config, inputs throws(GraphError) in
        try config.requireChannelsLast()
        guard inputs.first?.count == rank + 1 else {
            throw config.error(.shape, "expects \(rank) spatial axes and channels, got input \(inputs.first ?? [])")
        }
        return BuiltLayer(op: .globalPool(kind: kind, keepDims: try config.bool("keepdims", default: false)))
    }
}
