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
    let rank = inputs.first?.count ?? 1
    let raw: [Int]
    if !config.has("axis") { raw = [-1] } else if let single = config.values["axis"]?.int { raw = [single] } else { raw = try config.intList("axis") }
    var axes: [Int] = []
    for axis in raw { axes.append(try batchedAxis(axis, inputRank: rank, config: config)) }
    guard !axes.isEmpty, Set(axes).count == axes.count else {
        throw config.error(.invalidConfig, "axis \(raw) names no axis or one axis twice")
    }
    let rmsScaling = try config.bool("rms_scaling", default: false)
    var names: [String] = []
    if try config.bool("scale", default: true) || rmsScaling { names.append("gamma") }
    if try config.bool("center", default: true), !rmsScaling { names.append("beta") }
    return BuiltLayer(op: .layerNormalization(axes: axes.sorted(), epsilon: try config.float("epsilon", default: 1e-3),
                                              rmsScaling: rmsScaling),
                      weightNames: names)
}
