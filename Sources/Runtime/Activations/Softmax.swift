import Foundation

/// An activation that normalises along one axis: forward and backward over a batched tensor of `shape`.
protocol AxisActivation: Sendable {
    func apply(_ x: UnsafeMutablePointer<Float>, shape: [Int], axis: Int)
    /// Adds the Jacobian-vector product `Jᵀg` to `gx`, from the output `y` alone.
    func addGradient(y: UnsafePointer<Float>, g: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>, shape: [Int], axis: Int)
}

/// The lines of a batched tensor along `axis`: `body(base, stride)` for each, where element `j` of the line is at
/// `base + j · stride`.
private func forEachLine(shape: [Int], axis: Int, _ body: (Int, Int) -> Void) {
    let length = shape[axis]
    let inner = shape[(axis + 1)...].reduce(1, *)
    let outer = shape[..<axis].reduce(1, *)
    for o in 0..<outer {
        for i in 0..<inner { body(o * length * inner + i, inner) }
    }
}

/// `e^x / Σ e^x`, the maximum subtracted first for stability.
struct Softmax: AxisActivation {
    func apply(_ x: UnsafeMutablePointer<Float>, shape: [Int], axis: Int) {
        let length = shape[axis]
        forEachLine(shape: shape, axis: axis) { base, stride in
            let line = x + base
            var largest = -Float.infinity
            for j in 0..<length { largest = max(largest, line[j * stride]) }
            var sum: Float = 0
            for j in 0..<length {
                let e = expf(line[j * stride] - largest)
                line[j * stride] = e
                sum += e
            }
            for j in 0..<length { line[j * stride] /= sum }
        }
    }

    /// `gx += y ⊙ (g − Σ g ⊙ y)`.
    func addGradient(y: UnsafePointer<Float>, g: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>, shape: [Int], axis: Int) {
        let length = shape[axis]
        forEachLine(shape: shape, axis: axis) { base, stride in
            var dot: Float = 0
            for j in 0..<length { dot += g[base + j * stride] * y[base + j * stride] }
            for j in 0..<length {
                let k = base + j * stride
                gx[k] += y[k] * (g[k] - dot)
            }
        }
    }
}

/// `x − max − log Σ e^(x − max)`, TensorFlow's log_softmax.
struct LogSoftmax: AxisActivation {
    func apply(_ x: UnsafeMutablePointer<Float>, shape: [Int], axis: Int) {
        let length = shape[axis]
        forEachLine(shape: shape, axis: axis) { base, stride in
            let line = x + base
            var largest = -Float.infinity
            for j in 0..<length { largest = max(largest, line[j * stride]) }
            var sum: Float = 0
            for j in 0..<length { sum += expf(line[j * stride] - largest) }
            let logSum = logf(sum)
            for j in 0..<length { line[j * stride] = line[j * stride] - largest - logSum }
        }
    }

    /// `gx += g − e^y · Σ g` (e^y is the softmax).
    func addGradient(y: UnsafePointer<Float>, g: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>, shape: [Int], axis: Int) {
        let length = shape[axis]
        forEachLine(shape: shape, axis: axis) { base, stride in
            var total: Float = 0
            for j in 0..<length { total += g[base + j * stride] }
            for j in 0..<length {
                let k = base + j * stride
                gx[k] += g[k] - expf(y[k]) * total
            }
        }
    }
}
