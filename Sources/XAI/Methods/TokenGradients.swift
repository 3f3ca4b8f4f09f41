import KerasLensGraph
import KerasLensRuntime

/// Gradient methods on token ids. Ids are not differentiable, so these methods attribute at the output E [T, D] of
/// the Embedding reading the input, as Captum's layer methods do, and sum over the embedding's features: each token
/// gets one number.
/// - saliency: `|Σ_d ∂y/∂E_t,d · E_t,d|` (gradient × embedding);
/// - SmoothGrad: the mean of that over noisy embeddings `E + ε`, `ε ~ N(0, σ²)`, `σ = noiseLevel · (max E − min E)`;
/// - integrated gradients (Captum's LayerIntegratedGradients): `Σ_d (E − B)_t,d · (1/m) Σ_i ∂y/∂E (B + i/m · (E − B))`,
///   `B` the baseline token's embedding at every position; the attributions sum to about `y(E) − y(B)`.
/// Masks made from the ids (`mask_zero`) keep coming from the real ids along the way.
extension ExplanationRequest {
    /// The token-id view of `request`'s input, when an Embedding reads it.
    var tokenLayer: String? { tokens?.layer }

    /// Sample `index`'s embedding E, [T·D] row-major, and the class score's gradient there, for `classIndex`.
    func embeddingGradient(sample index: Int, classIndex: Int, layer: String) throws -> (embedding: [Float], gradient: [Float]) {
        let ids = Tensor(shape: [1] + model.inputShapes[0], scalars: Array(sample(index)))
        let pass = try model.gradients([ids], classes: [classIndex], target: options.target, withRespectTo: [layer])
        return (pass.activations[layer]!.scalars, pass.gradients[layer]!.scalars)
    }

    /// `∂y/∂E` at `count` embeddings of sample `index` made by `make(variant, buffer)`, `batchSize` per pass.
    func embeddingGradients(ofVariants count: Int, sample index: Int, classIndex: Int, layer: String,
                            _ make: (Int, UnsafeMutableBufferPointer<Float>) -> Void) throws -> [ArraySlice<Float>] {
        let shape = model.graph.node(named: layer)!.outputShape, size = shape.reduce(1, *)
        let ids = Array(sample(index))
        var result: [ArraySlice<Float>] = []
        for start in stride(from: 0, to: count, by: max(1, options.batchSize)) {
            let n = min(max(1, options.batchSize), count - start)
            var values = [Float](repeating: 0, count: n * size)
            values.withUnsafeMutableBufferPointer { buffer in
                for variant in 0..<n { make(start + variant, UnsafeMutableBufferPointer(rebasing: buffer[(variant * size)..<((variant + 1) * size)])) }
            }
            let inputs = Tensor(shape: [n] + model.inputShapes[0], scalars: Array(repeatElement(ids, count: n).joined()))
            let pass = try model.gradients([inputs], substituting: layer, with: Tensor(shape: [n] + shape, scalars: values),
                                           classes: Array(repeating: classIndex, count: n), target: options.target)
            let gradients = pass.gradients[layer]!.scalars
            result += (0..<n).map { gradients[($0 * size)..<(($0 + 1) * size)] }
        }
        return result
    }

    /// The baseline token's embedding at every position of sample `index`, [T·D].
    func baselineEmbedding(layer: String) throws -> [Float] {
        let shape = model.inputShapes[0]
        let ids = Tensor(shape: [1] + shape, scalars: Array(repeating: Float(options.baselineToken), count: shape.reduce(1, *)))
        return try model.run([ids], capture: [layer]).layers[layer]!.scalars
    }

    /// Integrated gradients per token, before any rescaling (see the type's comment).
    func tokenIntegratedGradients(sample index: Int, classIndex: Int, layer: String) throws -> [Float] {
        let steps = options.steps
        let (embedding, _) = try embeddingGradient(sample: index, classIndex: classIndex, layer: layer)
        let baseline = try baselineEmbedding(layer: layer)
        let gradients = try embeddingGradients(ofVariants: steps, sample: index, classIndex: classIndex, layer: layer) { step, buffer in
            let alpha = Float(step + 1) / Float(steps)
            for i in buffer.indices { buffer[i] = baseline[i] + alpha * (embedding[i] - baseline[i]) }
        }
        var integrated = [Float](repeating: 0, count: embedding.count)
        for gradient in gradients { for (i, g) in zip(0..., gradient) { integrated[i] += g } }
        for i in integrated.indices { integrated[i] *= (embedding[i] - baseline[i]) / Float(steps) }
        return perToken(integrated)
    }

    /// `Σ_d ∂y/∂E_t,d · E_t,d` per token for sample `index` (before the saliency's absolute value).
    func tokenGradientTimesEmbedding(sample index: Int, classIndex: Int, layer: String) throws -> [Float] {
        let (embedding, gradient) = try embeddingGradient(sample: index, classIndex: classIndex, layer: layer)
        return perToken(zip(embedding, gradient).map { $0 * $1 })
    }

    /// SmoothGrad per token (see the type's comment), before rescaling.
    func tokenSmoothGrad(sample index: Int, classIndex: Int, layer: String, count: Int) throws -> [Float] {
        let (embedding, _) = try embeddingGradient(sample: index, classIndex: classIndex, layer: layer)
        let sigma = options.noiseLevel * ((embedding.max() ?? 0) - (embedding.min() ?? 0))
        var generator = generator(forSample: index)
        var noisy: [[Float]] = []
        let gradients = try embeddingGradients(ofVariants: count, sample: index, classIndex: classIndex, layer: layer) { _, buffer in
            for i in buffer.indices { buffer[i] = embedding[i] + sigma * Float(generator.normal()) }
            noisy.append(Array(buffer))
        }
        var total = [Float](repeating: 0, count: model.inputShapes[0].reduce(1, *))
        for (gradient, values) in zip(gradients, noisy) {
            for (t, value) in perToken(zip(gradient, values).map { $0 * $1 }).enumerated() { total[t] += abs(value) }
        }
        return total.map { $0 / Float(count) }
    }

    /// Sums each token's features: [T·D] → [T].
    private func perToken(_ values: [Float]) -> [Float] {
        let tokens = model.inputShapes[0].reduce(1, *), width = values.count / tokens
        return (0..<tokens).map { t in values[(t * width)..<((t + 1) * width)].reduce(0, +) }
    }
}

extension ExplanationMethod {
    /// The Embedding reading the model's input as token ids, checked to read it as it is and to know the baseline
    /// token; nil when no Embedding reads the input.
    func tokens(of model: Model, options: ExplanationOptions) throws -> TokenInput? {
        guard let token = model.tokenInputs.first(where: { $0.input == 0 }) else { return nil }
        guard token.direct else {
            throw ExplainError("layer '\(token.layer)' reads the token ids reshaped; explanations need an Embedding reading the input as it is")
        }
        guard (0..<token.vocabulary).contains(options.baselineToken) else {
            throw ExplainError("the baseline token \(options.baselineToken) is outside the vocabulary 0..<\(token.vocabulary) of layer '\(token.layer)'")
        }
        return token
    }
}
