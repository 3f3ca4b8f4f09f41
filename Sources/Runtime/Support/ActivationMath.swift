import Foundation
import Graph

extension Activation {
    /// Applies the activation in place to a batched tensor of `shape` (batch axis first).
    func apply(_ values: UnsafeMutablePointer<Float>, shape: [Int]) {
        if case .softmax(let axis) = self {
            softmaxInPlace(values, shape: shape, axis: axis)
        } else {
            applyElementwise(values, count: shape.reduce(1, *))
        }
    }

    /// Applies an element-wise activation in place. The switch sits outside the loops so each loop is tight.
    func applyElementwise(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .linear, .softmax:
            return
        case .relu:
            for i in 0..<count { x[i] = max(x[i], 0) }
        case .relu6:
            for i in 0..<count { x[i] = min(max(x[i], 0), 6) }
        case .clippedReLU(let maxValue, let slope, let threshold):
            for i in 0..<count {
                let v = x[i]
                var y = threshold != 0 ? (v > threshold ? v : 0) : max(v, 0)
                if let maxValue { y = min(max(y, 0), maxValue) }
                if slope != 0 { y -= slope * max(threshold - v, 0) }
                x[i] = y
            }
        case .sigmoid:
            for i in 0..<count { x[i] = 1 / (1 + expf(-x[i])) }
        case .hardSigmoidKeras2:
            for i in 0..<count { x[i] = min(max(0.2 * x[i] + 0.5, 0), 1) }
        case .hardSigmoidKeras3:
            for i in 0..<count { x[i] = min(max(x[i] + 3, 0), 6) / 6 }
        case .tanh:
            for i in 0..<count { x[i] = tanhf(x[i]) }
        case .softplus:
            for i in 0..<count { x[i] = softplusValue(x[i]) }
        case .softsign:
            for i in 0..<count { x[i] = x[i] / (1 + abs(x[i])) }
        case .elu(let alpha):
            for i in 0..<count where x[i] <= 0 { x[i] = alpha * expm1f(x[i]) }
        case .selu:
            let alpha: Float = 1.6732632423543772, scale: Float = 1.0507009873554805
            for i in 0..<count { x[i] = x[i] > 0 ? scale * x[i] : scale * alpha * expm1f(x[i]) }
        case .swish:
            for i in 0..<count { x[i] = x[i] / (1 + expf(-x[i])) }
        case .gelu(let approximate):
            if approximate {
                let c: Float = 0.7978845608028654
                for i in 0..<count { let v = x[i]; x[i] = 0.5 * v * (1 + tanhf(c * (v + 0.044715 * v * v * v))) }
            } else {
                for i in 0..<count { x[i] = 0.5 * x[i] * (1 + erff(x[i] * 0.7071067811865476)) }
            }
        case .exponential:
            for i in 0..<count { x[i] = expf(x[i]) }
        case .leakyReLU(let alpha):
            for i in 0..<count where x[i] < 0 { x[i] *= alpha }
        case .mish:
            for i in 0..<count { x[i] = x[i] * tanhf(softplusValue(x[i])) }
        }
    }
}

/// log(1 + e^x) without overflow.
@inline(__always) func softplusValue(_ x: Float) -> Float {
    max(x, 0) + log1pf(expf(-abs(x)))
}

/// Softmax along `axis` of a batched tensor, subtracting the maximum first for stability.
func softmaxInPlace(_ x: UnsafeMutablePointer<Float>, shape: [Int], axis: Int) {
    let length = shape[axis]
    let inner = shape[(axis + 1)...].reduce(1, *)
    let outer = shape[..<axis].reduce(1, *)
    for o in 0..<outer {
        for i in 0..<inner {
            let base = x + o * length * inner + i
            var largest = -Float.infinity
            for j in 0..<length { largest = max(largest, base[j * inner]) }
            var sum: Float = 0
            for j in 0..<length {
                let e = expf(base[j * inner] - largest)
                base[j * inner] = e
                sum += e
            }
            for j in 0..<length { base[j * inner] /= sum }
        }
    }
}
