import KerasLensGraph
import KerasLensRuntime

extension ExplanationRequest {
    /// The class score of `count` modified copies of sample `index`'s input. `modify(variant, buffer)` edits a
    /// fresh copy of the sample in place; copies are built and scored `batchSize` at a time, so memory stays bounded
    /// however many variants a method asks for (RISE's thousands of masks).
    func scores(ofInputVariants count: Int, sample index: Int, classIndex: Int,
                _ modify: (Int, UnsafeMutableBufferPointer<Float>) -> Void) throws -> [Float] {
        let shape = model.inputShapes[0]
        return try scoreVariants(count, of: sample(index), shape: shape, modify: modify) { batch in
            try model.scores([batch], classes: Array(repeating: classIndex, count: batch.shape[0]), target: options.target).scores
        }
    }

    /// The class score of `count` modified copies of `activations` (sample `index`'s output of `layer`), each run
    /// on from the layer: nothing before it is recomputed.
    func scores(ofLayerVariants count: Int, layer: LayerGeometry, activations: ArraySlice<Float>, sample index: Int,
                classIndex: Int, _ modify: (Int, UnsafeMutableBufferPointer<Float>) -> Void) throws -> [Float] {
        let score = model.scoreLayer(options.target)
        let needsInputs = try model.forwardNeedsInputs(from: layer.name)
        let input = Tensor(shape: [1] + model.inputShapes[0], scalars: Array(sample(index)))
        return try scoreVariants(count, of: activations, shape: layer.spatial + [layer.channels], modify: modify) { batch in
            let n = batch.shape[0]
            let inputs = needsInputs ? [Tensor(shape: [n] + model.inputShapes[0], scalars: Array(repeatElement(input.scalars, count: n).joined()))] : nil
            let values = try model.forward(from: layer.name, substituting: batch, inputs: inputs, capture: [score]).layers[score]!
            let width = values.count / n
            return (0..<n).map { values.scalars[$0 * width + classIndex] }
        }
    }

    private func scoreVariants(_ count: Int, of base: ArraySlice<Float>, shape: [Int],
                               modify: (Int, UnsafeMutableBufferPointer<Float>) -> Void,
                               evaluate: (Tensor) throws -> [Float]) throws -> [Float] {
        let size = base.count
        var scores: [Float] = []
        scores.reserveCapacity(count)
        let chunk = max(1, options.batchSize)
        for start in stride(from: 0, to: count, by: chunk) {
            let n = min(chunk, count - start)
            var scalars = [Float](repeating: 0, count: n * size)
            scalars.withUnsafeMutableBufferPointer { buffer in
                for variant in 0..<n {
                    let slot = UnsafeMutableBufferPointer(rebasing: buffer[(variant * size)..<((variant + 1) * size)])
                    _ = slot.update(fromContentsOf: base)
                    modify(start + variant, slot)
                }
            }
            scores += try evaluate(Tensor(shape: [n] + shape, scalars: scalars))
        }
        return scores
    }
}
