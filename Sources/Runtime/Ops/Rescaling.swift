import KerasLensGraph

/// `x · scale + offset`, each a scalar or one value per channel.
func RescalingKernel(scale: [Float], offset: [Float], shapes: KernelShapes) -> AffineKernel {
    let period = max(scale.count, offset.count)
    let expand = { (values: [Float]) in values.count == period ? values : Array(repeating: values[0], count: period) }
    return AffineKernel(scale: expand(scale), shift: expand(offset), inner: 1, count: shapes.inputCount)
}
