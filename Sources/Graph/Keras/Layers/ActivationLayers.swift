import KerasLensGraph

@Sendable func buildReLU(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let maxValue = try config.optionalFloat("max_value")
    let slope = try config.float("negative_slope", default: 0)
    let threshold = try config.float("threshold", default: 0)
    let plain = maxValue == nil && slope == 0 && threshold == 0
    return BuiltLayer(op: .activation(plain ? .relu : .clippedReLU(maxValue: maxValue, negativeSlope: slope, threshold: threshold)))
}

@Sendable func buildLeakyReLU(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let slope = try config.has("negative_slope") ? config.float("negative_slope") : config.float("alpha", default: 0.3)
    return BuiltLayer(op: .activation(.leakyReLU(alpha: slope)))
}

@Sendable func buildELU(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    BuiltLayer(op: .activation(.elu(alpha: try config.float("alpha", default: 1))))
}

@Sendable func buildPReLU(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    BuiltLayer(op: .prelu, weightNames: ["alpha"])
}

@Sendable func buildSoftmax(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let axis = try singleAxis(config, key: "axis", default: -1, inputRank: inputs.first?.count ?? 1)
    return BuiltLayer(op: .activation(.softmax(axis: axis)))
}
