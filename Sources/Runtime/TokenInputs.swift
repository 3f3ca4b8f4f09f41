import KerasLensGraph

/// A model input read as token ids by an Embedding layer.
public struct TokenInput: Sendable, Equatable {
    /// Position of the input among the model's inputs.
    public var input: Int
    /// The Embedding layer reading it.
    public var layer: String
    /// Valid ids are 0 ..< vocabulary.
    public var vocabulary: Int
    /// Whether the layer reads the input as it is (not reshaped on the way): its output is the input's positions,
    /// each with its embedding, so attributions at that output map back onto the input's positions.
    public var direct: Bool
}

extension Graph {
    /// The Embedding layers and the model inputs holding their ids. Ids computed inside the graph (anything but a
    /// model input passed on through reshapes and identities) are refused: they could not be checked before a run.
    func tokenInputs() throws(RuntimeError) -> [TokenInput] {
        var found: [TokenInput] = []
        for node in nodes where node.op == .embedding {
            var source = node.inputs[0]
            var direct = true
            while let producer = self.node(named: source), producer.op.kind.passesValuesOn {
                source = producer.inputs[0]
                direct = false
            }
            guard let input = inputs.firstIndex(of: source) else {
                throw RuntimeError(.unsupported, layer: node.name,
                                   "the embedding's ids are computed inside the model; only ids given as a model input are supported")
            }
            found.append(TokenInput(input: input, layer: node.name, vocabulary: node.weights["embeddings"]!.shape[0], direct: direct))
        }
        return found
    }
}

extension Model {
    /// Refuses ids an Embedding cannot look up: not an integer, or outside its vocabulary.
    func checkTokenIds(_ inputs: [Tensor]) throws(RuntimeError) {
        for token in tokenInputs {
            let ids = inputs[token.input].scalars
            guard let bad = ids.firstIndex(where: { EmbeddingKernel.row($0, vocabulary: token.vocabulary) == nil }) else { continue }
            let id = ids[bad]
            let reason = id.isFinite && id.rounded(.towardZero) == id
                ? "is outside the vocabulary 0..<\(token.vocabulary)"
                : "is not an integer (the vocabulary is 0..<\(token.vocabulary))"
            throw RuntimeError(.inputValue, layer: token.layer,
                               "token id \(id) at flat position \(bad) of input '\(inputNames[token.input])' \(reason)")
        }
    }
}
