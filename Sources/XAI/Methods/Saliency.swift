/// Saliency (Simonyan et al. 2014): `M_p = max_ch |∂y/∂x_p,ch|`, scaled to a maximum of 1.
struct Saliency: Explainer {
    func explain(_ request: ExplanationRequest) throws -> Explanation {
        if let layer = request.tokenLayer {
            let base = try request.forward()
            let maps = try Concurrent.map(request.count) { index in
                MapMath.normalized(try request.tokenGradientTimesEmbedding(sample: index, classIndex: base.classes[index], layer: layer).map(abs))
            }
            return Explanation(maps: maps, spatial: request.geometry.spatial, classes: base.classes, scores: base.scores)
        }
        let pass = try request.gradients(withRespectTo: [request.inputName])
        let gradients = pass.gradients[request.inputName]!.scalars
        let size = request.geometry.count, channels = request.geometry.channels
        let maps = (0..<request.count).map { index in
            MapMath.normalized(MapMath.maxAbsoluteOverChannels(gradients[(index * size)..<((index + 1) * size)], channels: channels))
        }
        return Explanation(maps: maps, spatial: request.geometry.spatial, classes: pass.classes, scores: pass.scores)
    }
}
