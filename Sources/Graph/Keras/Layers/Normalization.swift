import KerasLensGraph

@Sendable func buildBatchNormalization(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let axis = try singleAxis(config, key: "axis", default: -1, inputRank: inputs.first?.count ?? 1)
    let epsilon = try config.float("epsilon", default: 1e-3)
    var names: [String] = []
    if try config.bool("scale", default: true) { names.append("gamma") }
    if try config.bool("center", default: true) { names.append("beta") }
    return BuiltLayer(op: .batchNormalization(axis: axis, epsilon: epsilon),
                      weightNames: names + ["moving_mean", "moving_variance"])
}

/// Keras's `Normalization`: adapted statistics are weights (`mean`, `variance`, and in some versions `count`);
/// statistics given to the constructor are in the configuration.
@Sendable func buildNormalization(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let input = inputs.first ?? []
    var axes: [Int] = []
    if config.has("axis") {
        let raw: [Int]
        if let single = config.values["axis"]?.int { raw = [single] } else { raw = try config.intList("axis") }
        for axis in raw { axes.append(try batchedAxis(axis, inputRank: input.count, config: config)) }
    }
    let op = Op.normalization(axes: axes.sorted(), epsilon: 1e-7, invert: try config.bool("invert", default: false))
    guard let mean = try config.floats("mean"), let variance = try config.floats("variance") else {
        return BuiltLayer(op: op, weightNames: ["mean", "variance", "count"], optionalTrailing: 1)
    }
    let kept = axes.sorted().map { input[$0 - 1] }
    let count = kept.reduce(1, *)
    func constant(_ values: [Float], _ name: String) throws(GraphError) -> Tensor {
        if values.count == count { return Tensor(shape: kept, scalars: values) }
        guard values.count == 1 else {
            throw config.error(.invalidConfig, "\(name) has \(values.count) values, expected \(count)")
        }
        return Tensor(shape: kept, scalars: Array(repeating: values[0], count: count))
    }
    return BuiltLayer(op: op, constants: ["mean": try constant(mean, "mean"), "variance": try constant(variance, "variance")])
}

@Sendable func buildRescaling(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let scale = try config.floats("scale") ?? [1]
    let offset = try config.floats("offset") ?? [0]
    return BuiltLayer(op: .rescaling(scale: scale, offset: offset))
}

/// Keras's LayerNormalization: `axis` an integer or a list (never the batch axis); weights `gamma` (with `scale`
/// or Keras 3's `rms_scaling`) then `beta` (with `center`, not with `rms_scaling`).
@Sendable func buildLayerNormalization(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let axes = try featureAxes(config, inputRank: inputs.first?.count ?? 1)
    let rmsScaling = try config.bool("rms_scaling", default: false)
    var names: [String] = []
    if try config.bool("scale", default: true) || rmsScaling { names.append("gamma") }
    if try config.bool("center", default: true), !rmsScaling { names.append("beta") }
    return BuiltLayer(op: .layerNormalization(axes: axes, epsilon: try config.float("epsilon", default: 1e-3),
                                              rmsScaling: rmsScaling),
                      weightNames: names)
}

/// Keras's GroupNormalization over the channel axis (the only axis supported): `groups` (−1: one per channel),
/// weights `gamma` (with `scale`) then `beta` (with `center`).
@Sendable func buildGroupNormalization(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let input = inputs.first ?? []
    let axis = try singleAxis(config, key: "axis", default: -1, inputRank: input.count)
    guard axis == input.count else { throw config.error(.unsupported, "axis \(axis) is not supported; only the channel axis (-1)") }
    var groups = try config.int("groups", default: 32)
    if groups == -1 { groups = input.last ?? 1 }
    guard groups >= 1, let channels = input.last, channels % groups == 0 else {
        throw config.error(.invalidConfig, "groups \(groups) do not split the \(input.last ?? 0) channels evenly")
    }
    var names: [String] = []
    if try config.bool("scale", default: true) { names.append("gamma") }
    if try config.bool("center", default: true) { names.append("beta") }
    return BuiltLayer(op: .groupNormalization(groups: groups, epsilon: try config.float("epsilon", default: 1e-3)),
                      weightNames: names)
}

/// Keras's UnitNormalization: `axis` an integer or a list (never the batch axis). Keras 3 divides by
/// `max(norm, 1e-12)`; tf-keras's `tf.linalg.l2_normalize` by `sqrt(max(norm², 1e-12))`, i.e. `max(norm, 1e-6)`.
@Sendable func buildUnitNormalization(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let axes = try featureAxes(config, inputRank: inputs.first?.count ?? 1)
    return BuiltLayer(op: .unitNormalization(axes: axes, epsilon: config.kerasMajor >= 3 ? 1e-12 : 1e-6))
}

/// The `axis` option of a normalization layer (an integer or a list, default −1) as sorted, distinct feature axes
/// of the batched tensor.
private func featureAxes(_ config: LayerConfig, inputRank rank: Int) throws(GraphError) -> [Int] {
    let raw: [Int]
    if !config.has("axis") { raw = [-1] } else if let single = config.values["axis"]?.int { raw = [single] } else { raw = try config.intList("axis") }
    var axes: [Int] = []
    for axis in raw { axes.append(try batchedAxis(axis, inputRank: rank, config: config)) }
    guard !axes.isEmpty, Set(axes).count == axes.count else {
        throw config.error(.invalidConfig, "axis \(raw) names no axis or one axis twice")
    }
    return axes.sorted()
}
