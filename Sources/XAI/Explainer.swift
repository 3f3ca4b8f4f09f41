import KerasLensGraph
import KerasLensRuntime

/// Computes one method's maps for a batch.
protocol Explainer: Sendable {
    func explain(_ request: ExplanationRequest) throws -> Explanation
}

extension ExplanationMethod {
    /// Explains each input's class score (`options.classes`, else the predicted class). Inputs are batch-first with
    /// the model's per-sample shape, or one sample; they are explained `options.batchSize` at a time so that memory
    /// stays bounded on large sets.
    public func explain(_ given: Model, inputs: Tensor, options: ExplanationOptions = .init()) throws(ExplainError) -> Explanation {
        guard given.inputShapes.count == 1 else {
            throw ExplainError("explanations need a model with one input; this one has \(given.inputShapes.count)")
        }
        // A model with open input dimensions is explained at the input's sizes.
        let model: Model
        do {
            let declared = given.inputShapes[0]
            model = try given.specialized(for: [inputs.rank == declared.count ? inputs.shape : Array(inputs.shape.dropFirst())])
        } catch {
            throw ExplainError("\(error)")
        }
        let shape = model.inputShapes[0]
        let geometry = SpatialGeometry(sampleShape: shape)
        guard (1...2).contains(geometry.spatial.count) else {
            throw ExplainError("explanations need 1-D or 2-D inputs; the model takes \(shape)")
        }
        var batch = inputs
        if batch.shape == shape { batch.shape = [1] + shape }
        guard batch.rank == shape.count + 1, Array(batch.shape.dropFirst()) == shape, batch.shape[0] > 0 else {
            throw ExplainError("input has shape \(inputs.shape), the model takes (N, \(shape.map(String.init).joined(separator: ", ")))")
        }
        if let classes = options.classes, classes.count != batch.shape[0] {
            throw ExplainError("\(classes.count) classes given for \(batch.shape[0]) samples")
        }
        guard options.batchSize > 0 else { throw ExplainError("the batch size must be positive") }
        do {
            var parts: [Explanation] = []
            for start in stride(from: 0, to: batch.shape[0], by: options.batchSize) {
                let end = min(start + options.batchSize, batch.shape[0])
                var chunkOptions = options
                chunkOptions.classes = options.classes.map { Array($0[start..<end]) }
                chunkOptions.firstSample = options.firstSample + start
                var request = ExplanationRequest(model: model, inputs: batch.samples(start..<end), options: chunkOptions, geometry: geometry)
                request.tokens = try tokens(of: model, options: options)
                parts.append(try explainer.explain(request))
            }
            return Explanation(joining: parts)
        } catch let error as ExplainError {
            throw error
        } catch {
            throw ExplainError(String(describing: error))
        }
    }
}

extension Explanation {
    /// The explanations of consecutive chunks of a batch as one.
    init(joining parts: [Explanation]) {
        let first = parts[0]
        maps = Tensor(joiningSamples: parts.map(\.maps))
        classes = parts.flatMap(\.classes)
        scores = parts.flatMap(\.scores)
        surrogates = first.surrogates == nil ? nil : parts.flatMap { $0.surrogates ?? [] }
    }

    /// Maps computed per sample, stacked.
    init(maps: [[Float]], spatial: [Int], classes: [Int], scores: [Float], surrogates: [LinearSurrogate]? = nil) {
        self.maps = Tensor(shape: [maps.count] + spatial, scalars: maps.flatMap { $0 })
        self.classes = classes
        self.scores = scores
        self.surrogates = surrogates
    }
}
