import KerasLensGraph

/// A depthwise convolution (no bias, no activation) followed by a pointwise matrix product with bias and activation.
struct SeparableConvolutionKernel: Kernel {
    let depthwise: DepthwiseConvolutionKernel
    let pointwise: [Float]
    let bias: [Float]?
    let middleChannels: Int
    let filters: Int
    let positions: Int
    let activation: Activation

    /// `isa`: the instruction set of the depthwise vector kernel, nil for its loops (see `makeKernel`); `adjointISA`
    /// that of its backward pass.
    init(node: Node, window: Window, multiplier: Int, activation: Activation, shapes: KernelShapes, isa: VectorISA? = VectorISA.best,
         adjointISA: VectorISA? = nil) {
        depthwise = DepthwiseConvolutionKernel(kernel: node.weights["depthwise_kernel"]!, bias: nil, window: window,
                                               multiplier: multiplier, activation: .linear, shapes: shapes, isa: isa,
                                               adjointISA: adjointISA)
        let pointwiseKernel = node.weights["pointwise_kernel"]!
        pointwise = pointwiseKernel.scalars
        bias = node.weights["bias"]?.scalars
        middleChannels = shapes.input.last! * multiplier
        filters = pointwiseKernel.shape.last!
        positions = shapes.output.dropLast().reduce(1, *)
        self.activation = activation
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let rows = batch * positions
        let middle = UnsafeMutablePointer<Float>.allocate(capacity: rows * middleChannels)
        defer { middle.deallocate() }
        depthwise.forward(inputs, middle, batch: batch)
        // Tiles of positions fixed per sample: OpenBLAS sums a row in an order that depends on the product's row
        // count, so products spanning samples made one image's result depend on the batch it came in.
        let tile = tileSize, tilesPerSample = (positions + tile - 1) / tile
        pointwise.withUnsafeBufferPointer { pointwise in
            Parallel.forEachRange(batch * tilesPerSample, cost: tile * middleChannels * filters) { tasks in
                for task in tasks {
                    let first = (task / tilesPerSample) * positions + (task % tilesPerSample) * tile
                    let count = min(tile, positions - (task % tilesPerSample) * tile)
                    let result = output + first * filters
                    BLAS.multiply(middle + first * middleChannels, pointwise.baseAddress!, into: result,
                                  m: count, n: filters, k: middleChannels)
                    finishRows(result, rows: count, channels: filters, bias: bias, activation: activation)
                }
            }
        }
    }

    /// Positions per pointwise product: about 256 KB of the depthwise result, at least one position.
    private var tileSize: Int { max(1, min(positions, 65_536 / max(middleChannels, 1))) }

    /// Back through the pointwise product, then through the depthwise convolution.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard inputGradients[0] != nil else { return }
        precondition(activation == .linear, "gradient plans run activations as separate steps")
        let rows = batch * positions
        let middle = UnsafeMutablePointer<Float>.allocate(capacity: rows * middleChannels)
        defer { middle.deallocate() }
        let tile = tileSize, tilesPerSample = (positions + tile - 1) / tile
        pointwise.withUnsafeBufferPointer { pointwise in
            // The forward pass's tiles: fixed per sample, so no sample's rows depend on the batch.
            Parallel.forEachRange(batch * tilesPerSample, cost: tile * middleChannels * filters) { tasks in
                for task in tasks {
                    let first = (task / tilesPerSample) * positions + (task % tilesPerSample) * tile
                    let count = min(tile, positions - (task % tilesPerSample) * tile)
                    BLAS.multiply(outputGradient + first * filters, pointwise.baseAddress!, into: middle + first * middleChannels,
                                  m: count, n: middleChannels, k: filters, transposeB: true)
                }
            }
        }
        depthwise.backward(inputs, output, middle, inputGradients, batch: batch)
    }
}
