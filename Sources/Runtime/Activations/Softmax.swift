import Foundation

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

/// `gx += y ⊙ (g − Σ_axis g ⊙ y)`, the softmax Jacobian applied to `g`.
func softmaxGradient(y: UnsafePointer<Float>, g: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>,
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
