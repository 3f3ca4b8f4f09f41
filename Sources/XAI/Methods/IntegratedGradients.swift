/// Integrated gradients (Sundararajan et al. 2017) from a zero baseline, right Riemann sum over `m` steps:
/// `IG = x ⊙ (1/m) Σ_{i=1..m} ∂y/∂x (i/m · x)`; `M_p = ReLU(Σ_ch IG_p,ch)`, scaled to a maximum of 1.
struct IntegratedGradients: Explainer {
    func explain(_ request: ExplanationRequest) throws -> Explanation {
        let steps = request.options.steps
        guard steps > 0 else { throw ExplainError("integrated-gradients needs at least one step") }
        let base = try request.forward()
        let size = request.geometry.count, channels = request.geometry.channels
        if let layer = request.tokenLayer {
            let maps = try Concurrent.map(request.count) { index in
                MapMath.normalized(MapMath.relu(try request.tokenIntegratedGradients(sample: index, classIndex: base.classes[index], layer: layer)))
            }
            return Explanation(maps: maps, spatial: request.geometry.spatial, classes: base.classes, scores: base.scores)
        }
        let maps = try Concurrent.map(request.count) { index in
            let sample = Array(request.sample(index))
            let gradients = try request.inputGradients(ofVariants: steps, classIndex: base.classes[index]) { step, buffer in
                let alpha = Float(step + 1) / Float(steps)
                for i in 0..<size { buffer[i] = alpha * sample[i] }
            }
            var integrated = [Float](repeating: 0, count: size)
            for gradient in gradients { for (i, g) in zip(0..., gradient) { integrated[i] += g } }
            for i in 0..<size { integrated[i] *= sample[i] / Float(steps) }
            return MapMath.normalized(MapMath.relu(MapMath.sumOverChannels(integrated[...], channels: channels)))
        }
        return Explanation(maps: maps, spatial: request.geometry.spatial, classes: base.classes, scores: base.scores)
    }
}
