import Foundation
import KerasLensGraph

/// Keras's Normalization as an affine map: `(x − mean) / max(sqrt(variance), ε)`, or `mean + x · sqrt(variance)`
/// when inverted. The statistics vary along the kept axes and are broadcast over the others.
func NormalizationKernel(node: Node, axes: [Int], epsilon: Float, invert: Bool, shapes: KernelShapes) -> AffineKernel {
    let mean = node.weights["mean"]!.scalars
    let variance = node.weights["variance"]!.scalars
    var scale = [Float](repeating: 0, count: mean.count)
    var shift = [Float](repeating: 0, count: mean.count)
    for k in mean.indices {
        if invert {
            scale[k] = max(variance[k].squareRoot(), epsilon)
            shift[k] = mean[k]
        } else {
            scale[k] = 1 / max(variance[k].squareRoot(), epsilon)
            shift[k] = -mean[k] * scale[k]
        }
    }
    let input = shapes.input
    let contiguous = axes.isEmpty || axes == Array(axes[0]...axes.last!)
    if contiguous {
        let inner = input[(axes.last ?? input.count)...].reduce(1, *)
        return AffineKernel(scale: scale, shift: shift, inner: inner, count: shapes.inputCount)
    }
    let keptShape = input.indices.map { axes.contains($0 + 1) ? input[$0] : 1 }
    return AffineKernel(scale: broadcast(scale, shape: keptShape, to: input),
                        shift: broadcast(shift, shape: keptShape, to: input), inner: 1, count: shapes.inputCount)
}
