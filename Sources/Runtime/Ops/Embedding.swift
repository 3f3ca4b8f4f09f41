import KerasLensGraph

/// Keras's Embedding: each id becomes its row of the table. Ids are checked before a run (`Model.checkTokenIds`);
/// an id that reaches the kernel otherwise (one computed inside the graph) and is not a valid row gives a row of
/// NaN rather than a read outside the table. Ids are not differentiable: their gradient is zero.
struct EmbeddingKernel: Kernel {
    let table: [Float]
    let vocabulary: Int
    let width: Int
    /// Ids per sample.
    let count: Int

    init(node: Node, shapes: KernelShapes) {
        let embeddings = node.weights["embeddings"]!
        table = embeddings.scalars
        vocabulary = embeddings.shape[0]
        width = embeddings.shape[1]
        count = shapes.inputCount
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        table.withUnsafeBufferPointer { table in
            for index in 0..<(batch * count) {
                let row = output + index * width
                guard let id = EmbeddingKernel.row(inputs[0][index], vocabulary: vocabulary) else {
                    row.update(repeating: .nan, count: width)
                    continue
                }
                row.update(from: table.baseAddress! + id * width, count: width)
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        // ∂output/∂id is zero almost everywhere (a step function of the id): nothing to add.
    }

    /// The table row an id names: an integral value in 0 ..< vocabulary, else nil.
    static func row(_ id: Float, vocabulary: Int) -> Int? {
        guard id >= 0, id < Float(vocabulary), id.rounded(.towardZero) == id else { return nil }
        return Int(id)
    }
}
