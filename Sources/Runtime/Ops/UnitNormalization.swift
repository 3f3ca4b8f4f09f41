import KerasLensGraph

/// Keras's UnitNormalization: each sample's values are split into groups (the positions spanned by the normalized
/// axes, one group per position of the other axes), and each group is divided by its Euclidean norm, clamped below
/// at `epsilon`.
struct UnitNormalizationKernel: Kernel {
    let epsilon: Float
    let count: Int
    let groups: NormalizationGroups
    var groupSize: Int { groups.size }

    init(axes: [Int], epsilon: Float, shapes: KernelShapes) {
        groups = NormalizationGroups(shape: shapes.input, axes: axes)
        count = shapes.inputCount
        self.epsilon = epsilon
    }

    @inline(__always) private func position(_ group: Int, _ k: Int) -> Int { groups.position(group, k) }

    /// The group's norm `max(sqrt(Σ x²), epsilon)` and whether the clamp is off (the norm depends on x).
    private func norm(_ x: UnsafePointer<Float>, group: Int) -> (norm: Float, free: Bool) {
        var squares: Float = 0
        for k in 0..<groupSize {
            let value = x[position(group, k)]
            squares += value * value
        }
        let root = squares.squareRoot()
        return root > epsilon ? (root, true) : (epsilon, false)
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        for sample in 0..<batch {
            let x = inputs[0] + sample * count, y = output + sample * count
            for group in 0..<(count / groupSize) {
                let (norm, _) = norm(x, group: group)
                for k in 0..<groupSize {
                    let p = position(group, k)
                    y[p] = x[p] / norm
                }
            }
        }
    }

    /// With `y = x / n`: `∂x = (g − y · Σ g·y) / n`; where the norm is clamped, `∂x = g / epsilon`.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gradient = inputGradients[0] else { return }
        for sample in 0..<batch {
            let y = output + sample * count, g = outputGradient + sample * count, gx = gradient + sample * count
            for group in 0..<(count / groupSize) {
                let (norm, free) = norm(inputs[0] + sample * count, group: group)
                var dot: Float = 0
                if free {
                    for k in 0..<groupSize {
                        let p = position(group, k)
                        dot += g[p] * y[p]
                    }
                }
                for k in 0..<groupSize {
                    let p = position(group, k)
                    gx[p] += (g[p] - y[p] * dot) / norm
                }
            }
        }
    }
}
