import KerasLensGraph

/// Affine per-channel ops, as Mul/Add (or Sub/Div) against constants shaped to broadcast along the op's axes of
/// the channels-last value. ONNX's BatchNormalization would need channels at axis 1 and so two transposes; the
/// broadcast form works for any axis.
extension ONNXBuilder {
    /// `x · s + (beta − mean · s)` with `s = gamma / sqrt(moving_variance + epsilon)`.
    mutating func batchNormalization(_ node: Node, axis: Int, epsilon: Float, shape: [Int], input: String, into output: String) {
        let mean = node.weights["moving_mean"]!.scalars
        let variance = node.weights["moving_variance"]!.scalars
        let gamma = node.weights["gamma"]?.scalars ?? Array(repeating: 1, count: mean.count)
        let beta = node.weights["beta"]?.scalars ?? Array(repeating: 0, count: mean.count)
        let scale = zip(gamma, variance).map { $0 / ($1 + epsilon).squareRoot() }
        let shift = (0..<mean.count).map { beta[$0] - mean[$0] * scale[$0] }
        let broadcast = [mean.count] + Array(repeating: 1, count: shape.count - axis)
        let scaled = step("Mul", [input, constant(Tensor(shape: broadcast, scalars: scale), layer: node.name, "scale")], layer: node.name)
        add("Add", [scaled, constant(Tensor(shape: broadcast, scalars: shift), layer: node.name, "shift")], into: output)
    }

    /// Keras's Normalization: `(x − mean) / max(sqrt(variance), epsilon)`, or inverted
    /// `mean + x · max(sqrt(variance), epsilon)`; statistics vary along `axes` and broadcast over the rest.
    mutating func normalization(_ node: Node, axes: [Int], epsilon: Float, invert: Bool, shape: [Int], input: String, into output: String) {
        let broadcast = shape.indices.map { axes.contains($0 + 1) ? shape[$0] : 1 }
        let mean = constant(Tensor(shape: broadcast, scalars: node.weights["mean"]!.scalars), layer: node.name, "mean")
        let deviation = node.weights["variance"]!.scalars.map { max($0.squareRoot(), epsilon) }
        let scale = constant(Tensor(shape: broadcast, scalars: deviation), layer: node.name, "deviation")
        if invert {
            add("Add", [step("Mul", [input, scale], layer: node.name), mean], into: output)
        } else {
            add("Div", [step("Sub", [input, mean], layer: node.name), scale], into: output)
        }
    }

    /// Keras's LayerNormalization from opset 17's reductions (its LayerNormalization op normalizes only trailing
    /// axes): `(x − μ) / sqrt(σ² + epsilon) · gamma + beta`, or `x / sqrt(σ² + epsilon) · gamma` with `rmsScaling`;
    /// `gamma` and `beta` shaped to broadcast along `axes`.
    mutating func layerNormalization(_ node: Node, axes: [Int], epsilon: Float, rmsScaling: Bool, shape: [Int],
                                     input: String, into output: String) {
        let layer = node.name
        let broadcast = shape.indices.map { axes.contains($0 + 1) ? shape[$0] : 1 }
        let result = standardized(input, axes: axes, epsilon: epsilon, centered: !rmsScaling, layer: layer)
        affine(node, result, broadcast: broadcast, into: output)
    }

    /// `(x − μ) / sqrt(σ² + epsilon)` (or `x / sqrt(σ² + epsilon)` when not `centered`), μ and σ² over `axes`.
    private mutating func standardized(_ input: String, axes: [Int], epsilon: Float, centered: Bool, layer: String) -> String {
        let mean = step("ReduceMean", [input], layer: layer, [.ints("axes", axes), .int("keepdims", 1)])
        let deviations = step("Sub", [input, mean], layer: layer)
        let squares = step("Mul", [deviations, deviations], layer: layer)
        let variance = step("ReduceMean", [squares], layer: layer, [.ints("axes", axes), .int("keepdims", 1)])
        let deviation = step("Sqrt", [step("Add", [variance, scalar(epsilon, layer: layer, "epsilon")], layer: layer)], layer: layer)
        return step("Div", [centered ? deviations : input, deviation], layer: layer)
    }

    /// Keras's GroupNormalization: the channels split as `[…, groups, C / groups]` by a Reshape, standardized over
    /// every per-sample axis but the group axis, reshaped back, then `· gamma + beta` per channel.
    mutating func groupNormalization(_ node: Node, groups: Int, epsilon: Float, shape: [Int], input: String, into output: String) {
        let layer = node.name
        let channels = shape.last!
        let split = step("Reshape", [input, int64s([0] + shape.dropLast() + [groups, channels / groups], layer: layer, "split_shape")],
                         layer: layer)
        let axes = Array(1..<shape.count) + [shape.count + 1]
        let result = standardized(split, axes: axes, epsilon: epsilon, centered: true, layer: layer)
        let merged = step("Reshape", [result, int64s([0] + shape, layer: layer, "shape")], layer: layer)
        affine(node, merged, broadcast: [channels], into: output)
    }

    /// `x / max(sqrt(Σ x²), epsilon)` with the sum over `axes`.
    mutating func unitNormalization(axes: [Int], epsilon: Float, input: String, layer: String, into output: String) {
        let squares = step("ReduceSumSquare", [input], layer: layer, [.ints("axes", axes), .int("keepdims", 1)])
        let norm = step("Max", [step("Sqrt", [squares], layer: layer), scalar(epsilon, layer: layer, "epsilon")], layer: layer)
        add("Div", [input, norm], into: output)
    }

    /// `result · gamma + beta` for whichever of the node's `gamma`, `beta` exist, shaped `broadcast`, into `output`.
    private mutating func affine(_ node: Node, _ standardized: String, broadcast: [Int], into output: String) {
        let layer = node.name
        var result = standardized
        let present = [("gamma", "Mul"), ("beta", "Add")].compactMap { name, op in node.weights[name].map { (name, op, $0) } }
        for (index, (name, op, weight)) in present.enumerated() {
            let value = constant(Tensor(shape: broadcast, scalars: weight.scalars), layer: layer, name)
            if index == present.count - 1 {
                add(op, [result, value], into: output)
                return
            }
            result = step(op, [result, value], layer: layer)
        }
        add("Identity", [result], into: output)
    }

    /// `x · scale + offset`, each a scalar or one value per channel.
    mutating func rescaling(scale: [Float], offset: [Float], input: String, layer: String, into output: String) {
        let scaled = step("Mul", [input, constant(Tensor(shape: [scale.count], scalars: scale), layer: layer, "scale")], layer: layer)
        add("Add", [scaled, constant(Tensor(shape: [offset.count], scalars: offset), layer: layer, "offset")], into: output)
    }

    /// `max(0, x) − alpha · max(0, −x)`: ONNX's PRelu, with `alpha` shaped like the per-sample input (shared axes
    /// of size 1), which broadcasts against the batch from the right.
    mutating func prelu(_ node: Node, input: String, into output: String) {
        add("PRelu", [input, constant(node.weights["alpha"]!, layer: node.name, "alpha")], into: output)
    }
}
