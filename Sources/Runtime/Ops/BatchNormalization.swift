import KerasLensGraph

/// Inference-time batch normalization folded into one scale and shift per channel of `axis`.
func BatchNormalizationKernel(node: Node, axis: Int, epsilon: Float, shapes: KernelShapes) -> AffineKernel {
    let (scale, shift) = batchNormalizationAffine(node, epsilon: epsilon)
    return AffineKernel(scale: scale, shift: shift, inner: shapes.input[axis...].reduce(1, *), count: shapes.inputCount)
}

/// A batch normalization's `gamma · (x − mean) / sqrt(variance + epsilon) + beta` as `x · scale + shift` per
/// channel; inference plans also fold it into the layer before (`inferenceNodes`).
func batchNormalizationAffine(_ node: Node, epsilon: Float) -> (scale: [Float], shift: [Float]) {
    let mean = node.weights["moving_mean"]!.scalars
    let variance = node.weights["moving_variance"]!.scalars
    let gamma = node.weights["gamma"]?.scalars ?? Array(repeating: 1, count: mean.count)
    let beta = node.weights["beta"]?.scalars ?? Array(repeating: 0, count: mean.count)
    var scale = [Float](repeating: 0, count: mean.count)
    var shift = [Float](repeating: 0, count: mean.count)
    for c in mean.indices {
        scale[c] = gamma[c] / (variance[c] + epsilon).squareRoot()
        shift[c] = beta[c] - mean[c] * scale[c]
    }
    return (scale, shift)
}
