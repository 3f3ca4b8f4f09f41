import Foundation
import Graph

extension Activation {
    /// Adds `∂L/∂x = ∂L/∂y · y'(x)` to `gx` for a batched tensor of `shape`, given the activation's input `x` and
    /// output `y`. Where the function is not differentiable (relu at 0) the subgradient TensorFlow uses is taken.
    func addGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, g: UnsafePointer<Float>,
                     into gx: UnsafeMutablePointer<Float>, shape: [Int]) {
        if case .softmax(let axis) = self {
            return softmaxGradient(y: y, g: g, into: gx, shape: shape, axis: axis)
        }
        let count = shape.reduce(1, *)
        switch self {
        case .linear, .softmax:
            for i in 0..<count { gx[i] += g[i] }
        case .relu:
            for i in 0..<count where x[i] > 0 { gx[i] += g[i] }
        case .relu6:
            for i in 0..<count where x[i] > 0 && x[i] < 6 { gx[i] += g[i] }
        case .clippedReLU(let maxValue, let slope, let threshold):
            for i in 0..<count {
                let v = x[i]
                var slopeHere: Float = (threshold != 0 ? v > threshold : v > 0) ? 1 : 0
                if let maxValue, v >= maxValue { slopeHere = 0 }
                if v < threshold { slopeHere += slope }
                gx[i] += g[i] * slopeHere
            }
        case .sigmoid:
            for i in 0..<count { gx[i] += g[i] * y[i] * (1 - y[i]) }
        case .hardSigmoidKeras2:
            for i in 0..<count where x[i] > -2.5 && x[i] < 2.5 { gx[i] += g[i] * 0.2 }
        case .hardSigmoidKeras3:
            for i in 0..<count where x[i] > -3 && x[i] < 3 { gx[i] += g[i] / 6 }
        case .tanh:
            for i in 0..<count { gx[i] += g[i] * (1 - y[i] * y[i]) }
        case .softplus:
            for i in 0..<count { gx[i] += g[i] / (1 + expf(-x[i])) }
        case .softsign:
            for i in 0..<count { let d = 1 + abs(x[i]); gx[i] += g[i] / (d * d) }
        case .elu(let alpha):
            for i in 0..<count { gx[i] += g[i] * (x[i] > 0 ? 1 : y[i] + alpha) }
        case .selu:
            let alpha: Float = 1.6732632423543772, scale: Float = 1.0507009873554805
            for i in 0..<count { gx[i] += g[i] * (x[i] > 0 ? scale : scale * alpha * expf(x[i])) }
        case .swish:
            for i in 0..<count {
                let s = 1 / (1 + expf(-x[i]))
                gx[i] += g[i] * (s + x[i] * s * (1 - s))
            }
        case .gelu(let approximate):
            if approximate {
                let c: Float = 0.7978845608028654
                for i in 0..<count {
                    let v = x[i], inner = c * (v + 0.044715 * v * v * v)
                    let t = tanhf(inner)
                    gx[i] += g[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v))
                }
            } else {
                for i in 0..<count {
                    let v = x[i]
                    let cdf = 0.5 * (1 + erff(v * 0.7071067811865476))
                    let pdf = expf(-0.5 * v * v) * 0.3989422804014327
                    gx[i] += g[i] * (cdf + v * pdf)
                }
            }
        case .exponential:
            for i in 0..<count { gx[i] += g[i] * y[i] }
        case .leakyReLU(let alpha):
            for i in 0..<count { gx[i] += g[i] * (x[i] > 0 ? 1 : alpha) }
        case .mish:
            for i in 0..<count {
                let v = x[i], t = tanhf(softplusValue(v)), s = 1 / (1 + expf(-v))
                gx[i] += g[i] * (t + v * (1 - t * t) * s)
            }
        }
    }
}

/// `gx += y ⊙ (g − Σ_axis g ⊙ y)`, the softmax Jacobian applied to `g`.
private func softmaxGradient(y: UnsafePointer<Float>, g: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>,
                             shape: [Int], axis: Int) {
    let length = shape[axis]
    let inner = shape[(axis + 1)...].reduce(1, *)
    let outer = shape[..<axis].reduce(1, *)
    for o in 0..<outer {
        for i in 0..<inner {
            let base = o * length * inner + i
            var dot: Float = 0
            for j in 0..<length { dot += g[base + j * inner] * y[base + j * inner] }
            for j in 0..<length {
                let k = base + j * inner
                gx[k] += y[k] * (g[k] - dot)
            }
        }
    }
}
