import KerasLensGraph

/// `y = activation(x · kernel + bias)` over the last axis, as one matrix product over all leading positions.
struct DenseKernel: Kernel {
    let kernel: [Float]
    let bias: [Float]?
    let inFeatures: Int
    let outFeatures: Int
    let rowsPerSample: Int
    let activation: Activation

    init(node: Node, shapes: KernelShapes, activation: Activation) {
        let weights = node.weights["kernel"]!
        kernel = weights.scalars
        bias = node.weights["bias"]?.scalars
        inFeatures = weights.shape[0]
        outFeatures = weights.shape[1]
        rowsPerSample = shapes.input.dropLast().reduce(1, *)
        self.activation = activation
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        kernel.withUnsafeBufferPointer { kernel in
            Parallel.forEachRange(batch * rowsPerSample, cost: inFeatures * outFeatures) { rows in
                let result = output + rows.lowerBound * outFeatures
                BLAS.multiply(inputs[0] + rows.lowerBound * inFeatures, kernel.baseAddress!, into: result,
                              m: rows.count, n: outFeatures, k: inFeatures)
                finishRows(result, rows: rows.count, channels: outFeatures, bias: bias, activation: activation)
            }
        }
    }
}

/// Adds the bias to each row and applies the layer's activation over the channels (softmax included).
extension DenseKernel {
    /// `gx += g · kernelᵀ`; the activation has been split into its own step for gradient plans.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        precondition(activation == .linear, "gradient plans run activations as separate steps")
        kernel.withUnsafeBufferPointer { kernel in
            BLAS.multiply(outputGradient, kernel.baseAddress!, into: gx, m: batch * rowsPerSample, n: inFeatures,
                          k: outFeatures, accumulate: true, transposeB: true)
        }
    }
}

func finishRows(_ values: UnsafeMutablePointer<Float>, rows: Int, channels: Int, bias: [Float]?, activation: Activation) {
    if let bias {
        bias.withUnsafeBufferPointer { bias in
            let bias = bias.baseAddress!
            // Bias and ReLU in one sweep: the rows were just written by the matrix product and are still in cache.
            if activation == .relu {
                for row in 0..<rows {
                    let line = values + row * channels
                    for c in 0..<channels { line[c] = max(line[c] + bias[c], 0) }
                }
            } else {
                for row in 0..<rows {
                    let line = values + row * channels
                    for c in 0..<channels { line[c] += bias[c] }
                }
            }
        }
        if activation == .relu { return }
    }
    // Rows of channels: a per-axis activation (which a plan fuses only over the channels) runs along axis 1.
    activation.replacingAxis(with: 1).apply(values, shape: [rows, channels])
}
