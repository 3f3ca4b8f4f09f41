import COpenBLAS
import KerasLensGraph

/// Each input channel convolved with its own `multiplier` filters; output channel `c · multiplier + j`. With one
/// filter per channel and a vector instruction set, the forward pass runs `VectorDepthwiseConvolution`, and so
/// does a stride-1 backward pass, on the adjoint; other multipliers and strided backward passes run the loops below.
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
        if let adjoint {
            return adjoint.forward(outputGradient, gx, batch: batch, bias: nil, activation: .linear, adding: true)
        }
        let g = geometry
        let outChannels = g.channels * multiplier
        // Gathered per input element rather than scattered per output position: each element adds the products of
        // the outputs whose windows read it (at a stride only some taps do), so rows of the input split one image
        // over the cores with no two tasks writing the same element, and each element is written once.
        let taps = g.kernelHeight * g.kernelWidth
        weights.withUnsafeBufferPointer { weights in
            Parallel.forEachRange(batch * g.inHeight, cost: g.inWidth * taps * outChannels) { rows in
                withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: 2 * taps) { pairs in
                    let (gradientRows, kernelTaps) = (pairs.baseAddress!, pairs.baseAddress! + taps)
                    for item in rows {
                        let sample = item / g.inHeight, y = item % g.inHeight
                        for x in 0..<g.inWidth {
                            let target = gx + ((sample * g.inHeight + y) * g.inWidth + x) * g.channels
                            var count: Int32 = 0
                            for ky in 0..<g.kernelHeight {
                                let top = y + g.padTop - ky * g.dilationHeight
                                guard top >= 0, top % g.strideHeight == 0, top / g.strideHeight < g.outHeight else { continue }
                                for kx in 0..<g.kernelWidth {
                                    let left = x + g.padLeft - kx * g.dilationWidth
                                    guard left >= 0, left % g.strideWidth == 0, left / g.strideWidth < g.outWidth else { continue }
                                    let position = (sample * g.outHeight + top / g.strideHeight) * g.outWidth + left / g.strideWidth
                                    gradientRows[Int(count)] = outputGradient + position * outChannels
                                    kernelTaps[Int(count)] = weights.baseAddress! + (ky * g.kernelWidth + kx) * outChannels
                                    count += 1
                                }
                            }
                            if multiplier == 1 {
                                kl_depthwise_gather(target, gradientRows, kernelTaps, count, g.channels)
                                continue
                            }
                            for pair in 0..<Int(count) {
                                let (row, tap) = (gradientRows[pair]!, kernelTaps[pair]!)
                                for c in 0..<g.channels {
                                    var sum: Float = 0
                                    for j in 0..<multiplier { sum += row[c * multiplier + j] * tap[c * multiplier + j] }
                                    target[c] += sum
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
