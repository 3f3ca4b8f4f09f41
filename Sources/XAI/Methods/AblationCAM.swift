import KerasLensGraph

/// Ablation-CAM (Desai & Ramaswamy 2020): `w_k = (y − y_k) / y`, `M = Σ_k w_k A_k`, where `y_k` is the score with
/// channel k switched off — its activations set to zero (run on from the layer, nothing before it recomputed), or its
/// kernel channel zeroed through the runtime's weight ablation. All K ablations of a sample run as one batch.
struct AblationCAM: CAMWeighting {
    var needsGradients: Bool { false }

    func map(_ layer: LayerSample) throws -> [Float] {
        let ablated = try ablatedScores(layer)
        let y = layer.score
        return layer.weighted(by: ablated.map { y == 0 ? 0 : (y - $0) / y })
    }

    func check(_ layer: LayerGeometry, in request: ExplanationRequest) throws {
        guard request.options.ablation == .weights, let node = request.model.graph.node(named: layer.name) else { return }
        guard node.op.kind.hasAblatableKernel else {
            throw ExplainError("layer '\(layer.name)' (\(node.kerasClass)) has no kernel; weight ablation needs a Dense or convolution layer (activation ablation works on any layer)")
        }
    }

    private func ablatedScores(_ layer: LayerSample) throws -> [Float] {
        let request = layer.request, channels = layer.channels
        switch request.options.ablation {
        case .activation:
            return try request.scores(ofLayerVariants: channels, layer: layer.layer, activations: layer.activations,
                                      sample: layer.index, classIndex: layer.classIndex) { k, buffer in
                for position in stride(from: k, to: buffer.count, by: channels) { buffer[position] = 0 }
            }
        case .weights:
            let input = Tensor(shape: [1] + request.model.inputShapes[0], scalars: Array(request.sample(layer.index)))
            let outputs = try request.model.outputsAblatingWeights(of: layer.layer.name, channels: Array(0..<channels),
                                                                    zeroBias: request.options.zeroBias,
                                                                    target: request.options.target, inputs: [input])
            let width = outputs.count / channels
            return (0..<channels).map { outputs.scalars[$0 * width + layer.classIndex] }
        }
    }
}
