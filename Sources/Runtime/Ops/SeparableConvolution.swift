import COpenBLAS
import KerasLensGraph

/// A depthwise convolution (no bias, no activation) followed by a pointwise matrix product with bias and activation.
/// Forward, both halves run band by band on the vector kernels (`forwardFused`) where the depthwise half has one
/// (a vector instruction set, multiplier 1); else the depthwise result is computed whole, then multiplied by OpenBLAS.
struct SeparableConvolutionKernel: Kernel {
    let depthwise: DepthwiseConvolutionKernel
    let pointwise: [Float]
    /// The pointwise product as a 1×1 convolution on the direct kernel, nil where the depthwise half has no vector
    /// kernel.
    let pointwiseDirect: DirectConvolution?
    /// The pointwise product's backward pass, `∂L/∂middle = ∂L/∂output · pointwiseᵀ`, on the direct kernel's 1×1 form
    /// (gradient plans where the CPU has a vector instruction set); else OpenBLAS.
    let pointwiseAdjoint: DirectConvolution?
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
        let spatial = Array(shapes.output.dropLast()), ones = spatial.map { _ in 1 }
        let pointwiseGeometry = ConvGeometry(window: Window(size: ones, strides: ones, dilations: ones, padding: .valid),
                                             input: spatial + [middleChannels], output: shapes.output)
        pointwiseDirect = depthwise.vector.map { [pointwise, filters] in
            DirectConvolution(geometry: pointwiseGeometry, kernel: pointwise, filters: filters, isa: $0.isa)
        }
        pointwiseAdjoint = adjointISA.flatMap { [pointwise, filters] in
            DirectConvolution.adjoint(of: pointwiseGeometry, kernel: pointwise, filters: filters, isa: $0)
        }
        positions = shapes.output.dropLast().reduce(1, *)
        self.activation = activation
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        if let vector = depthwise.vector, let pointwiseDirect {
            return forwardFused(inputs[0], output, batch: batch, depthwise: vector, pointwise: pointwiseDirect)
        }
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

    /// Both halves band by band: each band's depthwise result (a few rows, about 256 KB of padded input) stays in
    /// cache for the pointwise product that reads it, instead of a layer-sized intermediate going to memory and
    /// back. Bands with too few of them for the cores are split by filters (`FilterParts`); each split task
    /// recomputes its band's depthwise half, a fraction of the pointwise half's work. A sample's bands come in a
    /// multiple of the cores' count, larger first (`RowChunks`): one image's 14 rows on two cores were 5, 5 and 4
    /// rows in two filter parts each (unequal tasks, each band's depthwise half twice), now 4, 4, 3 and 3 rows.
    private func forwardFused(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int,
                              depthwise: VectorDepthwiseConvolution, pointwise: DirectConvolution) {
        let g = depthwise.geometry
        let sampleBands = RowChunks(rows: g.outHeight, block: 1, most: depthwise.bandRows), bands = sampleBands.count
        let parts = FilterParts(tasks: batch * bands, filters: filters, isa: pointwise.isa)
        let store = activation.registerStore ?? Int32(KL_STORE_SUMS)
        withOptionalPointer(bias) { bias in
            Parallel.forEachRange(batch * bands * parts.count, cost: depthwise.bandRows * g.outWidth * g.channels * parts.width) { tasks in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: depthwise.forwardScratch)
                let middle = UnsafeMutablePointer<Float>.allocate(capacity: depthwise.bandRows * g.outWidth * g.channels)
                defer { scratch.deallocate(); middle.deallocate() }
                var computed: Int?
                for task in tasks {
                    let sampleBand = task / parts.count, sample = sampleBand / bands
                    let rows = sampleBands.range(sampleBand % bands)
                    if computed != sampleBand {
                        depthwise.forwardBand(input + sample * g.inputCount, rows: rows, scratch: scratch, bias: nil,
                                              store: Int32(KL_STORE_SUMS), into: middle)
                        computed = sampleBand
                    }
                    let count = rows.count * g.outWidth, result = output + (sample * g.positions + rows.lowerBound * g.outWidth) * filters
                    pointwise.runPatches(middle, count: count, filters: filters, filterRange: parts.range(task % parts.count),
                                         bias: bias, residual: nil, store: store, into: result)
                    if activation.registerStore == nil, parts.tasksStoreWholeRows {
                        finishRows(result, rows: count, channels: filters, bias: nil, activation: activation)
                    }
                }
            }
        }
        parts.finishSplitRows(output, rows: batch * positions, channels: filters, activation: activation)
    }

    /// Positions per pointwise product: about 256 KB of the depthwise result, at least one position.
    private var tileSize: Int { max(1, min(positions, 65_536 / max(middleChannels, 1))) }

    /// Back through the pointwise product, then through the depthwise convolution.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard inputGradients[0] != nil else { return }
        let middle = UnsafeMutablePointer<Float>.allocate(capacity: batch * positions * middleChannels)
        defer { middle.deallocate() }
        pointwiseBackward(outputGradient, into: middle, batch: batch)
        depthwise.backward(inputs, output, middle, inputGradients, batch: batch)
    }

    /// `middle = ∂L/∂output · pointwiseᵀ`, on the direct kernel or in OpenBLAS products over the forward pass's tiles.
    private func pointwiseBackward(_ outputGradient: UnsafePointer<Float>, into middle: UnsafeMutablePointer<Float>, batch: Int) {
        if let pointwiseAdjoint {
            return pointwiseAdjoint.forward(outputGradient, middle, batch: batch, bias: nil, filters: middleChannels, activation: .linear)
        }
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
    }
}
