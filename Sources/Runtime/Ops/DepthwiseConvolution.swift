import KerasLensGraph

/// Each input channel convolved with its own `multiplier` filters; output channel `c · multiplier + j`. With one
/// filter per channel and a vector instruction set, the forward pass runs `VectorDepthwiseConvolution`, and so
/// does a stride-1 backward pass, on the adjoint; other multipliers and strided backward passes the loops below.
struct DepthwiseConvolutionKernel: Kernel {
    let geometry: ConvGeometry
    let vector: VectorDepthwiseConvolution?
    /// The backward pass's kernel (gradient plans only: inference plans never run backward).
    let adjoint: VectorDepthwiseConvolution?
    /// Keras's [kh, kw, in, multiplier] layout.
    let weights: [Float]
    let bias: [Float]?
    let multiplier: Int
    let activation: Activation

    /// `isa`: the instruction set of the vector kernel, nil for the loops (see `makeKernel`); `adjointISA` that of
    /// the backward pass's vector kernel, nil for the loops.
    init(kernel: Tensor, bias: Tensor?, window: Window, multiplier: Int, activation: Activation, shapes: KernelShapes,
         isa: VectorISA? = VectorISA.best, adjointISA: VectorISA? = nil) {
        let geometry = ConvGeometry(window: window, input: shapes.input, output: shapes.output)
        self.geometry = geometry
        vector = VectorDepthwiseConvolution.applies(multiplier: multiplier)
            ? isa.map { VectorDepthwiseConvolution(geometry: geometry, kernel: kernel.scalars, isa: $0) } : nil
        adjoint = VectorDepthwiseConvolution.applies(multiplier: multiplier)
            ? adjointISA.flatMap { VectorDepthwiseConvolution.adjoint(of: geometry, kernel: kernel.scalars, isa: $0) } : nil
        weights = kernel.scalars
        self.bias = bias?.scalars
        self.multiplier = multiplier
        self.activation = activation
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        if let vector {
            return withOptionalPointer(bias) { bias in
                vector.forward(inputs[0], output, batch: batch, bias: bias, activation: activation)
            }
        }
        let g = geometry
        let outChannels = g.channels * multiplier
        weights.withUnsafeBufferPointer { weights in
            Parallel.forEachRange(batch * g.positions, cost: g.kernelHeight * g.kernelWidth * outChannels) { items in
                for item in items {
                    let sample = item / g.positions, position = item % g.positions
                    let input = inputs[0] + sample * g.inputCount
                    let row = output + item * outChannels
                    row.update(repeating: 0, count: outChannels)
                    g.forEachTap(y: position / g.outWidth, x: position % g.outWidth) { tap, offset in
                        let taps = weights.baseAddress! + tap * outChannels
                        for c in 0..<g.channels {
                            let value = input[offset + c]
                            for j in 0..<multiplier { row[c * multiplier + j] += value * taps[c * multiplier + j] }
                        }
                    }
                }
                finishRows(output + items.lowerBound * outChannels, rows: items.count, channels: outChannels,
                           bias: bias, activation: activation)
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        precondition(activation == .linear, "gradient plans run activations as separate steps")
        if let adjoint {
            return adjoint.forward(outputGradient, gx, batch: batch, bias: nil, activation: .linear, adding: true)
        }
        let g = geometry
        let outChannels = g.channels * multiplier
        weights.withUnsafeBufferPointer { weights in
            Parallel.forEachRange(batch, cost: g.positions * g.kernelHeight * g.kernelWidth * outChannels) { samples in
                for sample in samples {
                    let target = gx + sample * g.inputCount
                    for position in 0..<g.positions {
                        let row = outputGradient + (sample * g.positions + position) * outChannels
                        g.forEachTap(y: position / g.outWidth, x: position % g.outWidth) { tap, offset in
                            let taps = weights.baseAddress! + tap * outChannels
                            for c in 0..<g.channels {
                                var sum: Float = 0
                                for j in 0..<multiplier { sum += row[c * multiplier + j] * taps[c * multiplier + j] }
                                target[offset + c] += sum
                            }
                        }
                    }
                }
            }
        }
    }
}
