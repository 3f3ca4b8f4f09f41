import KerasLensGraph

/// Pooling. Windowed pooling runs channels first like Conv; global pooling reduces the spatial axes of the
/// channels-last value directly, needing no transpose.
extension ONNXBuilder {
    /// MaxPool ignores padded positions and AveragePool with `count_include_pad = 0` leaves them out of the count,
    /// which is what Keras does for `same` pooling.
    mutating func pool(_ node: Node, kind: PoolKind, window: Window, input: String, shape: [Int], into output: String) throws(GraphError) {
        let rank = window.rank
        var attributes: [Onnx_AttributeProto] = [.ints("kernel_shape", window.size), .ints("strides", window.strides),
                                                 .ints("pads", explicitPads(window, spatial: Array(shape.dropLast())))]
        if window.dilations.contains(where: { $0 != 1 }) {
            // AveragePool gains dilations only in opset 19.
            guard kind == .max else {
                throw GraphError(.unsupported, layer: node.name, kerasClass: node.kerasClass,
                                 "average pooling with dilation \(window.dilations) has no ONNX opset 17 form")
            }
            attributes.append(.ints("dilations", window.dilations))
        }
        if kind == .average { attributes.append(.int("count_include_pad", 0)) }
        let pooled = step(kind == .max ? "MaxPool" : "AveragePool", [channelsFirst(input, spatialRank: rank, layer: node.name)],
                          layer: node.name, attributes)
        channelsLast(pooled, spatialRank: rank, into: output)
    }

    mutating func globalPool(kind: PoolKind, keepDims: Bool, input: String, shape: [Int], into output: String) {
        add(kind == .max ? "ReduceMax" : "ReduceMean", [input], into: output,
            [.ints("axes", Array(1..<shape.count)), .int("keepdims", keepDims ? 1 : 0)])
    }
}

extension ONNXBuilder {
    /// TensorFlow's `reduce_*` over `axes`: opset 17's ReduceMean/ReduceMax/ReduceMin take the axes as an attribute,
    /// ReduceSum (since opset 13) as an input.
    mutating func reduce(_ kind: ReduceKind, axes: [Int], keepDims: Bool, input: String, layer: String, into output: String) {
        let keep = Onnx_AttributeProto.int("keepdims", keepDims ? 1 : 0)
        switch kind {
        case .mean: add("ReduceMean", [input], into: output, [.ints("axes", axes), keep])
        case .max: add("ReduceMax", [input], into: output, [.ints("axes", axes), keep])
        case .min: add("ReduceMin", [input], into: output, [.ints("axes", axes), keep])
        case .sum: add("ReduceSum", [input, int64s(axes, layer: layer, "axes")], into: output, [keep])
        }
    }
}
