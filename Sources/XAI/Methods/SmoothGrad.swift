import KerasLensGraph

/// SmoothGrad (Smilkov et al. 2017) of the saliency map: `M = (1/n) Σ_i max_ch |∂y/∂x (x + ε_i)|` for the class
/// explained on the clean input, `ε_i ~ N(0, σ²)` with `σ = noiseLevel · (max x − min x)`, or the given noise.
struct SmoothGrad: Explainer {
    func explain(_ request: ExplanationRequest) throws -> Explanation {
        let options = request.options
        guard options.noiseLevel.isFinite, options.noiseLevel >= 0 else {
            throw ExplainError("smoothgrad needs a finite, non-negative noise level, got \(options.noiseLevel)")
        }
        let base = try request.forward()
        let size = request.geometry.count, channels = request.geometry.channels
        let count = try noiseCount(request)
        if let layer = request.tokenLayer {
            guard options.noise == nil else { throw ExplainError("smoothgrad on token ids draws its noise on the embeddings; given noise is not supported") }
            let maps = try Concurrent.map(request.count) { index in
                MapMath.normalized(try request.tokenSmoothGrad(sample: index, classIndex: base.classes[index], layer: layer, count: count))
            }
            return Explanation(maps: maps, spatial: request.geometry.spatial, classes: base.classes, scores: base.scores)
        }
        let maps = try Concurrent.map(request.count) { index in
            let sample = Array(request.sample(index))
            let sigma = options.noiseLevel * ((sample.max() ?? 0) - (sample.min() ?? 0))
            var generator = request.generator(forSample: index)
            var noise = [Float](repeating: 0, count: size)
            let gradients = try request.inputGradients(ofVariants: count, classIndex: base.classes[index]) { variant, buffer in
                if let given = options.noise {
                    for i in 0..<size { buffer[i] = sample[i] + given.scalars[variant * size + i] }
                } else {
                    for i in 0..<size { noise[i] = sigma * Float(generator.normal()) }
                    for i in 0..<size { buffer[i] = sample[i] + noise[i] }
                }
            }
            var total = [Float](repeating: 0, count: request.geometry.positions)
            for gradient in gradients {
                for (p, value) in MapMath.maxAbsoluteOverChannels(gradient, channels: channels).enumerated() { total[p] += value }
            }
            return MapMath.normalized(total.map { $0 / Float(count) })
        }
        return Explanation(maps: maps, spatial: request.geometry.spatial, classes: base.classes, scores: base.scores)
    }

    private func noiseCount(_ request: ExplanationRequest) throws -> Int {
        guard let noise = request.options.noise else {
            guard request.options.noiseSamples > 0 else { throw ExplainError("smoothgrad needs at least one noise sample") }
            return request.options.noiseSamples
        }
        let shape = request.model.inputShapes[0]
        guard noise.rank == shape.count + 1, Array(noise.shape.dropFirst()) == shape, noise.shape[0] > 0 else {
            throw ExplainError("the given noise has shape \(noise.shape); smoothgrad needs (n, \(shape.map(String.init).joined(separator: ", ")))")
        }
        return noise.shape[0]
    }
}
