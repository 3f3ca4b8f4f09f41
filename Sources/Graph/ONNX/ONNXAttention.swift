import KerasLensGraph

/// Keras's attention layers spelled out in opset-17 ops (MatMul, Transpose, Reshape, Softmax, Tanh, ReduceSum, …):
/// ONNX has no attention op before opset 23. Values stay `(N, time, features)`; the heads of multi-head attention
/// are moved to their own axis `(N, heads, time, width)` so that one batched MatMul scores all of them. Keras masks
/// (`(N, time, 1)` inputs) multiply into a visibility `(N, Tq or 1, Tv or 1)` with the causal triangle; hidden scores
/// are then lowered (Sub) or replaced (Where) as the runtime does.
extension ONNXBuilder {
    mutating func attention(_ node: Node, _ attention: Attention, into output: String) {
        let layer = node.name
        let (query, value) = (node.inputs[0], node.inputs[1])
        let sequences = attention.sequenceCount(inputs: node.inputs.count)
        let key = sequences == 3 ? node.inputs[2] : value
        let maskInputs = Dictionary(uniqueKeysWithValues: (attention.masks?.inputs ?? []).enumerated().map { ($1, node.inputs[sequences + $0]) })
        func hide(_ scores: String) -> String {
            guard let masks = attention.masks else {
                return attention.causal ? causalMask(scores, layer: layer) : scores
            }
            return hideScores(scores, masks: masks, maskInputs: maskInputs, causal: attention.causal, heads: attention.heads != nil,
                              layer: layer)
        }
        guard let heads = attention.heads else {
            let scores = hide(self.scores(node, attention.score, query: query, key: key))
            let weights = step("Softmax", [scores], layer: layer, [.int("axis", -1)])
            guard let queryMask = maskInputs[.query] else {
                add("MatMul", [weights, value], into: output)
                return
            }
            // Attention and AdditiveAttention zero the rows of masked query positions.
            add("Mul", [step("MatMul", [weights, value], layer: layer), queryMask], into: output)
            return
        }
        // Reshapes keep the batch (0) and infer the time axis (-1), so one lowering serves every sequence length.
        func project(_ input: String, _ name: String, width: Int, order: [Int]) -> String {
            let kernel = node.weights["\(name)_kernel"]!
            let matrix = Tensor(shape: [kernel.shape[0], heads.count * width], scalars: kernel.scalars)
            var projected = step("MatMul", [input, constant(matrix, layer: layer, "\(name)_kernel")], layer: layer)
            if let bias = node.weights["\(name)_bias"] {
                let row = Tensor(shape: [heads.count * width], scalars: bias.scalars)
                projected = step("Add", [projected, constant(row, layer: layer, "\(name)_bias")], layer: layer)
            }
            let split = step("Reshape", [projected, int64s([0, -1, heads.count, width], layer: layer, "\(name)_heads")], layer: layer)
            return step("Transpose", [split], layer: layer, [.ints("perm", order)])
        }
        // (N, heads, Tq, key_dim) scaled as Keras scales it, against (N, heads, key_dim, Tv).
        let queries = step("Mul", [project(query, "query", width: heads.keyDim, order: [0, 2, 1, 3]),
                                   scalar(heads.queryScale, layer: layer, "query_scale")], layer: layer)
        let keys = project(key, "key", width: heads.keyDim, order: [0, 2, 3, 1])
        let values = project(value, "value", width: heads.valueDim, order: [0, 2, 1, 3])
        let scores = hide(step("MatMul", [queries, keys], layer: layer))
        let weights = step("Softmax", [scores], layer: layer, [.int("axis", -1)])
        let combined = step("Transpose", [step("MatMul", [weights, values], layer: layer)], layer: layer, [.ints("perm", [0, 2, 1, 3])])
        let width = heads.count * heads.valueDim
        let rows = step("Reshape", [combined, int64s([0, -1, width], layer: layer, "combined_shape")], layer: layer)
        let outputKernel = node.weights["output_kernel"]!
        let outputs = outputKernel.count / width
        let matrix = Tensor(shape: [width, outputs], scalars: outputKernel.scalars)
        let bias = node.weights["output_bias"]
        let reshaped = heads.outputShape.count > 1
        var result = step("MatMul", [rows, constant(matrix, layer: layer, "output_kernel")], layer: layer)
        if let bias {
            let biasName = constant(Tensor(shape: [outputs], scalars: bias.scalars), layer: layer, "output_bias")
            if reshaped { result = step("Add", [result, biasName], layer: layer) } else { add("Add", [result, biasName], into: output) }
        }
        if reshaped {
            add("Reshape", [result, int64s([0, -1] + heads.outputShape, layer: layer, "output_shape")], into: output)
        } else if bias == nil {
            add("Identity", [result], into: output)
        }
    }

    /// Attention's and AdditiveAttention's scores `(N, Tq, Tv)`.
    private mutating func scores(_ node: Node, _ score: AttentionScore, query: String, key: String) -> String {
        let layer = node.name
        let scale = node.weights["scale"]
        switch score {
        case .dot:
            let keys = step("Transpose", [key], layer: layer, [.ints("perm", [0, 2, 1])])
            let products = step("MatMul", [query, keys], layer: layer)
            guard let scale else { return products }
            return step("Mul", [products, constant(scale, layer: layer, "scale")], layer: layer)
        case .concat, .additive:
            // (N, Tq, 1, d) + (N, 1, Tv, d), tanh, weighted sum over d.
            let rows = step("Unsqueeze", [query, int64s([2], layer: layer, "query_axis")], layer: layer)
            let columns = step("Unsqueeze", [key, int64s([1], layer: layer, "key_axis")], layer: layer)
            var sums = step("Add", [rows, columns], layer: layer)
            if score == .concat, let scale { sums = step("Mul", [sums, constant(scale, layer: layer, "scale")], layer: layer) }
            var terms = step("Tanh", [sums], layer: layer)
            if score == .additive, let scale { terms = step("Mul", [terms, constant(scale, layer: layer, "scale")], layer: layer) }
            let total = step("ReduceSum", [terms, int64s([-1], layer: layer, "feature_axis")], layer: layer, [.int("keepdims", 0)])
            guard score == .concat else { return total }
            return step("Mul", [total, constant(node.weights["concat_score_weight"]!, layer: layer, "concat_score_weight")], layer: layer)
        }
    }

    /// Scores `(N, Tq, Tv)` (or `(N, heads, Tq, Tv)`) with the hidden ones lowered or replaced: visible where the
    /// value and key masks (`(N, Tv, 1)`, transposed), the query mask with heads (`(N, Tq, 1)`) and the causal
    /// triangle all are 1.
    private mutating func hideScores(_ scores: String, masks: AttentionMasks, maskInputs: [AttentionMaskedInput: String],
                                     causal: Bool, heads: Bool, layer: String) -> String {
        var factors: [String] = []
        if heads, let query = maskInputs[.query] { factors.append(query) }
        for input in [AttentionMaskedInput.value, .key] {
            guard let mask = maskInputs[input] else { continue }
            factors.append(step("Transpose", [mask], layer: layer, [.ints("perm", [0, 2, 1])]))
        }
        if causal { factors.append(causalTriangle(scores, layer: layer)) }
        var visible = factors[0]
        for factor in factors.dropFirst() { visible = step("Mul", [visible, factor], layer: layer) }
        if heads { visible = step("Unsqueeze", [visible, int64s([1], layer: layer, "heads_axis")], layer: layer) }
        switch masks.hidden {
        case .lowered(let by):
            let hiddenMask = step("Sub", [scalar(1, layer: layer, "one"), visible], layer: layer)
            let lowering = step("Mul", [hiddenMask, scalar(by, layer: layer, "hidden_lowering")], layer: layer)
            return step("Sub", [scores, lowering], layer: layer)
        case .replaced(let by):
            let condition = step("Cast", [visible], layer: layer, [.int("to", 9)])
            return step("Where", [condition, scores, scalar(by, layer: layer, "hidden_score")], layer: layer)
        }
    }

    /// Keras's causal mask: 1e9 subtracted from the scores of key positions after the query position.
    private mutating func causalMask(_ scores: String, layer: String) -> String {
        let hidden = step("Sub", [causalTriangle(scores, layer: layer), scalar(1, layer: layer, "one")], layer: layer)
        return step("Add", [scores, step("Mul", [hidden, scalar(1e9, layer: layer, "causal_lowering")], layer: layer)], layer: layer)
    }

    /// `(Tq, Tk)`: 1 where key position j ≤ query position i, else 0 (Keras's `tril` of ones), made from the scores'
    /// own shape so that it follows the sequence lengths.
    private mutating func causalTriangle(_ scores: String, layer: String) -> String {
        let size = step("Shape", [scores], layer: layer, [.int("start", -2)])
        let ones = step("Expand", [scalar(1, layer: layer, "one"), size], layer: layer)
        return step("Trilu", [ones], layer: layer, [.int("upper", 0)])
    }
}
