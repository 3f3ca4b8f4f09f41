import KerasLensGraph

/// Keras's GroupNormalization over the channels: per sample, each run of `channels / groups` consecutive channels,
/// across all positions, is standardized by its own mean and variance, then scaled by `gamma` and shifted by `beta`
/// (one value per channel).
struct GroupNormalizationKernel: Kernel {
    let gamma: [Float]
    let beta: [Float]
    let epsilon: Float
    let groups, channels, groupChannels, positions: Int

    init(node: Node, groups: Int, epsilon: Float, shapes: KernelShapes) {
        channels = shapes.input.last!
        self.groups = groups
        groupChannels = channels / groups
        positions = shapes.inputCount / channels
        gamma = node.weights["gamma"]?.scalars ?? Array(repeating: 1, count: channels)
        beta = node.weights["beta"]?.scalars ?? Array(repeating: 0, count: channels)
        self.epsilon = epsilon
    }

    /// The group's mean and `1 / sqrt(variance + epsilon)`, the variance taken around the mean (two passes, as
    /// TensorFlow's moments); `x` points at the group's first channel of position 0.
    private func statistics(_ x: UnsafePointer<Float>) -> (mean: Float, inverse: Float) {
        var sum = 0.0
        for p in 0..<positions {
            for k in 0..<groupChannels { sum += Double(x[p * channels + k]) }
        }
        let n = Double(positions * groupChannels)
        let mean = sum / n
        var squares = 0.0
        for p in 0..<positions {
            for k in 0..<groupChannels {
                let d = Double(x[p * channels + k]) - mean
                squares += d * d
            }
        }
        return (Float(mean), 1 / (Float(squares / n) + epsilon).squareRoot())
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        for sample in 0..<batch {
            for group in 0..<groups {
                let offset = sample * positions * channels + group * groupChannels
                let x = inputs[0] + offset, y = output + offset
                let (mean, inverse) = statistics(x)
                for p in 0..<positions {
                    for k in 0..<groupChannels {
                        let c = group * groupChannels + k, i = p * channels + k
                        y[i] = (x[i] - mean) * inverse * gamma[c] + beta[c]
                    }
                }
            }
        }
    }

    /// With `h = g · gamma` and `x̂ = (x − μ) · r`: `∂x = r · (h − mean(h) − x̂ · mean(h · x̂))` per group.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gradient = inputGradients[0] else { return }
        let n = Double(positions * groupChannels)
        for sample in 0..<batch {
            for group in 0..<groups {
                let offset = sample * positions * channels + group * groupChannels
                let x = inputs[0] + offset, g = outputGradient + offset, gx = gradient + offset
                let (mean, inverse) = statistics(x)
                var sumH = 0.0, sumHX = 0.0
                for p in 0..<positions {
                    for k in 0..<groupChannels {
                        let i = p * channels + k
                        let h = Double(g[i] * gamma[group * groupChannels + k])
                        sumH += h
                        sumHX += h * Double((x[i] - mean) * inverse)
                    }
                }
                let meanH = Float(sumH / n), meanHX = Float(sumHX / n)
                for p in 0..<positions {
                    for k in 0..<groupChannels {
                        let i = p * channels + k
                        let h = g[i] * gamma[group * groupChannels + k]
                        gx[i] += inverse * (h - meanH - (x[i] - mean) * inverse * meanHX)
                    }
                }
            }
        }
    }
}
