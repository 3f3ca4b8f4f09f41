import KerasLensGraph
import KerasLensRuntime

/// The pipeline every CAM method shares: one pass (with the backward pass when the method reads gradients)
/// capturing the layer, the method's map per sample, then `norm(upsample(ReLU(M)))` (docs/METHODS.md).
struct CAMExplainer<Weighting: CAMWeighting>: Explainer {
    let weighting: Weighting

    init(_ weighting: Weighting) { self.weighting = weighting }

    func explain(_ request: ExplanationRequest) throws -> Explanation {
        let layer = try request.spatialLayer(request.options.layer)
        try weighting.check(layer, in: request)
        let pass = weighting.needsGradients
            ? try request.gradients(withRespectTo: [layer.name])
            : try request.forward(capture: [layer.name])
        let activations = pass.activations[layer.name]!.scalars
        let gradients = pass.gradients[layer.name]?.scalars
        let upsampling = request.options.upsampling
        let size = upsampling == .none ? layer.spatial : request.geometry.spatial
        let weighting = weighting
        let maps = try Concurrent.map(request.count) { index in
            let range = (index * layer.count)..<((index + 1) * layer.count)
            let sample = LayerSample(request: request, layer: layer, index: index, classIndex: pass.classes[index],
                                     score: pass.scores[index], activations: activations[range],
                                     gradients: gradients?[range])
            return CAMExplainer.finish(try weighting.map(sample), from: layer.spatial, to: size, upsampling)
        }
        return Explanation(maps: maps, spatial: size, classes: pass.classes, scores: pass.scores)
    }

    /// `norm(upsample(ReLU(M)))`.
    static func finish(_ map: [Float], from shape: [Int], to size: [Int], _ upsampling: Upsampling) -> [Float] {
        MapMath.normalized(Resampling.resize(MapMath.relu(map), shape: shape, to: size, method: upsampling))
    }
}
