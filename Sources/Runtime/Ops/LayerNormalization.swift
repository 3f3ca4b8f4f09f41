import KerasLensGraph

/// Keras's LayerNormalization: each sample's values are split into groups (the positions spanned by the normalized
/// axes, one group per position of the other axes), and each group is standardized by its own mean and variance,
/// then scaled by `gamma` and shifted by `beta` (both indexed by the position within the group).
struct LayerNormalizationKernel: Kernel {
    let gamma: [Float]
    let beta: [Float]
    let epsilon: Float
    let rmsScaling: Bool
    let count: Int
    let groups: NormalizationGroups
    /// Elements per group, `gamma`'s length.
    var groupSize: Int { groups.size }

    init(node: Node, axes: [Int], epsilon: Float, rmsScaling: Bool, shapes: KernelShapes) {
        groups = NormalizationGroups(shape: shapes.input, axes: axes)
        count = shapes.inputCount
        gamma = node.weights["gamma"]?.scalars ?? Array(repeating: 1, count: groups.size)
        beta = node.weights["beta"]?.scalars ?? Array(repeating: 0, count: groups.size)
        self.epsilon = epsilon
        self.rmsScaling = rmsScaling
    }

    /// The group's mean and `1 / sqrt(variance + epsilon)`, the variance taken around the mean (two passes, as
    /// TensorFlow's moments).
    private func statistics(_ x: UnsafePointer<Float>, group: Int) -> (mean: Float, inverse: Float) {
        var sum = 0.0
        for k in 0..<groupSize { sum += Double(x[position(group, k)]) }
        let mean = sum / Double(groupSize)
        var squares = 0.0
        for k in 0..<groupSize {
            let d = Double(x[position(group, k)]) - mean
            squares += d * d
        }
        let variance = Float(squares / Double(groupSize))
        return (Float(mean), 1 / (variance + epsilon).squareRoot())
    }

    @inline(__always) private func position(_ group: Int, _ k: Int) -> Int { groups.position(group, k) }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        for sample in 0..<batch {
            let x = inputs[0] + sample * count, y = output + sample * count
            for group in 0..<(count / groupSize) {
                let (mean, inverse) = statistics(x, group: group)
                for k in 0..<groupSize {
                    let p = position(group, k)
                    y[p] = rmsScaling ? x[p] * inverse * gamma[k] : (x[p] - mean) * inverse * gamma[k] + beta[k]
                }
            }
        }
    }

    /// With `h = g · gamma` and `x̂ = (x − μ) · r`: `∂x = r · (h − mean(h) − x̂ · mean(h · x̂))`; with `rmsScaling`
    /// (`y = x · r · gamma`) `∂x = r · h − r³ · (x − μ) · mean(h · x)`.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gradient = inputGradients[0] else { return }
        let n = Double(groupSize)
        for sample in 0..<batch {
            let x = inputs[0] + sample * count, g = outputGradient + sample * count, gx = gradient + sample * count
            for group in 0..<(count / groupSize) {
                let (mean, inverse) = statistics(x, group: group)
                var sumH = 0.0, sumHX = 0.0
                for k in 0..<groupSize {
                    let p = position(group, k)
                    let h = Double(g[p] * gamma[k])
                    sumH += h
                    sumHX += h * Double(rmsScaling ? x[p] : (x[p] - mean) * inverse)
                }
                let meanH = Float(sumH / n), meanHX = Float(sumHX / n)
                for k in 0..<groupSize {
                    let p = position(group, k)
                    let h = g[p] * gamma[k]
                    if rmsScaling {
                        gx[p] += inverse * h - inverse * inverse * inverse * (x[p] - mean) * meanHX
                    } else {
                        gx[p] += inverse * (h - meanH - (x[p] - mean) * inverse * meanHX)
                    }
                }
            }
        }
    }
}
