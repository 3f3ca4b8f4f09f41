import KerasLensGraph

/// SISE, Semantic Input Sampling for Explanation (Sattarzadeh et al. 2021). For each layer, shallow to deep, the
/// channels whose mean gradient is positive become input masks (as Score-CAM's), and the layer's map is
/// `V_l = Σ_k y(x ⊙ N_k) N_k`. Fusion, deep to shallow: `F = norm(V_L)`, then for each shallower layer
/// `F = norm(F + norm(V_l) ⊙ [F > otsu(F)])`.
struct SISE: Explainer {
    func explain(_ request: ExplanationRequest) throws -> Explanation {
        let layers = try (request.options.layers ?? defaultLayers(request)).map { try request.spatialLayer($0) }
        guard !layers.isEmpty else { throw ExplainError("sise found no layer with the input's spatial axes to read") }
        let pass = try request.gradients(withRespectTo: layers.map(\.name))
        let maps = try Concurrent.map(request.count) { index in
            let layerMaps = try layers.map { layer in
                let range = (index * layer.count)..<((index + 1) * layer.count)
                let sample = LayerSample(request: request, layer: layer, index: index, classIndex: pass.classes[index],
                                         score: pass.scores[index], activations: pass.activations[layer.name]!.scalars[range],
                                         gradients: pass.gradients[layer.name]!.scalars[range])
                return try layerMap(sample)
            }
            var fused = MapMath.normalized(layerMaps.last!)
            for map in layerMaps.dropLast().reversed() {
                let threshold = Otsu.threshold(fused)
                let shallow = MapMath.normalized(map)
                fused = MapMath.normalized(zip(fused, shallow).map { $0 + ($0 > threshold ? $1 : 0) })
            }
            return fused
        }
        return Explanation(maps: maps, spatial: request.geometry.spatial, classes: pass.classes, scores: pass.scores)
    }

    /// `V_l = Σ_k s_k N_k` over the channels with a positive mean gradient.
    private func layerMap(_ layer: LayerSample) throws -> [Float] {
        let means = layer.meanGradients
        let kept = means.indices.filter { means[$0] > 0 }
        var map = [Float](repeating: 0, count: layer.request.geometry.positions)
        guard !kept.isEmpty else { return map }
        let masks = ChannelMasks(layer, channels: kept)
        for (i, score) in try masks.scores().enumerated() {
            let mask = masks.mask(i)
            for p in map.indices { map[p] += score * mask[p] }
        }
        return map
    }

    /// Every non-global pooling layer's output, then the last layer with the input's spatial rank if it is not one.
    private func defaultLayers(_ request: ExplanationRequest) -> [String] {
        let rank = request.geometry.spatial.count + 1
        let spatial = request.model.graph.nodes.filter { $0.outputShape.count == rank && $0.op != .input }
        var names = spatial.filter { if case .pool = $0.op { return true } else { return false } }.map(\.name)
        if let last = spatial.last?.name, names.last != last { names.append(last) }
        return names
    }
}
