import KerasLensGraph

@Sendable func buildDense(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let useBias = try config.bool("use_bias", default: true)
    let activation = try config.activation().resolved(batchedRank: (inputs.first?.count ?? 1) + 1)
    return BuiltLayer(op: .dense(activation: activation), weightNames: useBias ? ["kernel", "bias"] : ["kernel"],
                      declared: [.last("units", try config.int("units"), of: "kernel")])
}

@Sendable func buildFlatten(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    try config.requireChannelsLast()
    return BuiltLayer(op: .flatten)
}

@Sendable func buildReshape(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    var target = try config.intList("target_shape")
    let total = inputs.first?.reduce(1, *) ?? 0
    let open = target.indices.filter { target[$0] == -1 }
    if open.count == 1 {
        guard let known = ShapeLimits.elementCount(target.filter { $0 != -1 }), known > 0, total % known == 0 else {
            throw config.error(.shape, "cannot reshape \(inputs.first ?? []) to \(target)")
        }
        target[open[0]] = total / known
    } else if !open.isEmpty || target.contains(where: { $0 <= 0 }) {
        throw config.error(.invalidConfig, "target_shape \(target) is not a valid shape")
    }
    return BuiltLayer(op: .reshape(shape: target))
}

@Sendable func buildPermute(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    BuiltLayer(op: .permute(order: [0] + (try config.intList("dims"))))
}

@Sendable func buildActivation(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let activation = try config.activation().resolved(batchedRank: (inputs.first?.count ?? 1) + 1)
    return BuiltLayer(op: .activation(activation))
}

/// Resolves a Keras axis (negative counts from the end of the batched tensor) to a positive batched axis.
func batchedAxis(_ axis: Int, inputRank: Int, config: LayerConfig) throws(GraphError) -> Int {
    let resolved = axis < 0 ? axis + inputRank + 1 : axis
    guard resolved >= 1, resolved <= inputRank else {
        throw config.error(.invalidConfig, "axis \(axis) is not a feature axis of a rank-\(inputRank + 1) input")
    }
    return resolved
}

/// A single axis, written by Keras either as an integer or as a one-element list.
func singleAxis(_ config: LayerConfig, key: String, default fallback: Int, inputRank: Int) throws(GraphError) -> Int {
    guard config.has(key) else { return try batchedAxis(fallback, inputRank: inputRank, config: config) }
    if let axis = config.values[key]?.int { return try batchedAxis(axis, inputRank: inputRank, config: config) }
    let list = try config.intList(key)
    guard list.count == 1 else { throw config.error(.unsupported, "\(key) \(list) over several axes is not supported") }
    return try batchedAxis(list[0], inputRank: inputRank, config: config)
}

@Sendable func buildConcatenate(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let axis = try singleAxis(config, key: "axis", default: -1, inputRank: inputs.first?.count ?? 1)
    return BuiltLayer(op: .concatenate(axis: axis))
}

/// keras.applications' `CustomScaleLayer` (InceptionResNetV2's residual blocks): `inputs[0] + inputs[1] · scale`.
@Sendable func buildCustomScale(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    guard inputs.count == 2 else {
        throw config.error(.invalidConfig, "CustomScaleLayer takes two inputs (the shortcut and the residual), got \(inputs.count)")
    }
    return BuiltLayer(op: .linearCombination(coefficients: [1, try config.float("scale")]))
}
