import KerasLensGraph

/// Conv1DTranspose / Conv2DTranspose as the adjoint of the convolution `geometry` from the output back to the
/// input. Keras's kernel [k…, out, in] is that convolution's kernel [k…, in, out], read as a [patchSize, in] matrix
/// with no repacking. Forward, per sample and tile of input positions: one sgemm `x · kernelᵀ` into im2col columns,
/// scattered (col2im) onto the zeroed output — taps that land in the cropped padding are dropped — then bias and
/// activation. Backward: `gx += im2col(g) · kernel`, the convolution itself. Samples are independent and every
/// product has one row count per sample, so a sample's result does not depend on the batch.
struct TransposedConvolutionKernel: Kernel {
    /// The convolution from this op's output (its input) to this op's input (its output).
    let geometry: ConvGeometry
    /// Keras's kernel [k…, out, in]: the convolution's [patchSize, in] matrix.
    let weights: [Float]
    let bias: [Float]?
    /// This op's input channels (the convolution's filters).
    let channels: Int
    let activation: Activation

    init(kernel: Tensor, bias: Tensor?, window: Window, activation: Activation, shapes: KernelShapes) {
        geometry = ConvGeometry(transposedWindow: window, input: shapes.input, output: shapes.output)
        weights = kernel.scalars
        self.bias = bias?.scalars
        channels = kernel.shape.last!
        self.activation = activation
    }

    /// Input positions per tile: about 256 KB of column scratch, at least one position.
    private var tileSize: Int { max(1, min(geometry.positions, 65_536 / max(geometry.patchSize, 1))) }
    /// Output values per sample (the convolution's input).
    private var outputCount: Int { geometry.inputCount }
    private var inputCount: Int { geometry.positions * channels }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let g = geometry, tile = tileSize
        weights.withUnsafeBufferPointer { weights in
            Parallel.forEachRange(batch, cost: g.positions * g.patchSize * channels) { samples in
                let columns = UnsafeMutablePointer<Float>.allocate(capacity: tile * g.patchSize)
                defer { columns.deallocate() }
                for sample in samples {
                    let input = inputs[0] + sample * inputCount, result = output + sample * outputCount
                    result.update(repeating: 0, count: outputCount)
                    // Tiles of one sample overlap in the output, so they run in order.
                    for first in stride(from: 0, to: g.positions, by: tile) {
                        let positions = first..<min(first + tile, g.positions)
                        BLAS.multiply(input + first * channels, weights.baseAddress!, into: columns,
                                      m: positions.count, n: g.patchSize, k: channels, transposeB: true)
                        g.col2imAdd(columns, positions: positions, into: result)
                    }
                    finishRows(result, rows: g.inHeight * g.inWidth, channels: g.channels, bias: bias, activation: activation)
                }
            }
        }
    }

    /// `gx += im2col(g) · kernel`, tile by tile; tiles write disjoint rows of `gx`.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let g = geometry, tile = tileSize
        let tilesPerSample = (g.positions + tile - 1) / tile
        weights.withUnsafeBufferPointer { weights in
            Parallel.forEachRange(batch * tilesPerSample, cost: tile * g.patchSize * channels) { tasks in
                let patches = UnsafeMutablePointer<Float>.allocate(capacity: tile * g.patchSize)
                defer { patches.deallocate() }
                for task in tasks {
                    let (sample, first) = (task / tilesPerSample, (task % tilesPerSample) * tile)
                    let positions = first..<min(first + tile, g.positions)
                    g.im2col(outputGradient + sample * outputCount, positions: positions, into: patches)
                    BLAS.multiply(patches, weights.baseAddress!, into: gx + sample * inputCount + first * channels,
                                  m: positions.count, n: channels, k: g.patchSize, accumulate: true)
                }
            }
        }
    }
}
