import KerasLensGraph

/// Embedding lookups, Keras masks and the layers that consume masks. A mask travels as a float [N, time, 1] value of
/// 0s and 1s, as in the graph (`Op.sequenceMask`).
extension ONNXBuilder {
    /// Ids (float32 holding integers) cast to int64, then rows of the table gathered: [N, ids…] → [N, ids…, width].
    mutating func embedding(_ node: Node, input: String, into output: String) {
        let table = constant(node.weights["embeddings"]!, layer: node.name, "embeddings")
        let ids = step("Cast", [input], layer: node.name, [.int("to", Int(Onnx_TensorProto.DataType.int64.rawValue))])
        add("Gather", [table, ids], into: output, [.int("axis", 0)])
    }

    /// 1 where some value at a step (all axes after time) differs from `value`: Not(Equal) cast to float, the
    /// maximum over the feature axes, and a trailing axis of 1.
    mutating func sequenceMask(value: Float, input: String, shape: [Int], layer: String, into output: String) {
        let equal = step("Equal", [input, scalar(value, layer: layer, "mask_value")], layer: layer)
        let differs = step("Not", [equal], layer: layer)
        var step = self.step("Cast", [differs], layer: layer, [.int("to", Int(Onnx_TensorProto.DataType.float.rawValue))])
        if shape.count > 1 {
            step = self.step("ReduceMax", [step], layer: layer, [.ints("axes", Array(2...shape.count)), .int("keepdims", 0)])
        }
        add("Unsqueeze", [step, int64s([2], layer: layer, "axes")], into: output)
    }

    /// Keras's masked GlobalAveragePooling1D: Σ x·mask over time / Σ mask (0/0 when every step is masked, as Keras).
    mutating func maskedGlobalAverage(keepDims: Bool, input: String, mask: String, layer: String, into output: String) {
        let keep = Onnx_AttributeProto.int("keepdims", keepDims ? 1 : 0)
        let product = step("Mul", [input, mask], layer: layer)
        let sum = step("ReduceSum", [product, int64s([1], layer: layer, "axes")], layer: layer, [keep])
        let count = step("ReduceSum", [mask, int64s([1], layer: layer, "mask_axes")], layer: layer, [keep])
        add("Div", [sum, count], into: output)
    }
}
