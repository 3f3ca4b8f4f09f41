import KerasLensGraph

/// Convolution forward through Winograd (3×3, stride 1, many channels) or the direct vector kernel where the CPU
/// has AVX-512 or AVX2, else as im2col + one matrix product per tile of output positions. Tiles bound the scratch
/// memory (a full im2col of a 224×224 layer would be tens of megabytes) and are the unit of parallel work. The
/// backward pass of a convolution over at most four input channels gathers each input value's gradient
/// (`GatheredAdjoint`); of a wider stride-1 one runs Winograd or the direct kernel on the adjoint convolution where
/// the CPU has one (`WinogradConvolution.adjoint`, `DirectConvolution.adjoint`), of a strided one `StridedAdjoint`,
/// else im2col's adjoint.
struct ConvolutionKernel: Kernel {
    let geometry: ConvGeometry
    private(set) var winograd: WinogradConvolution?
    private(set) var direct: DirectConvolution?
    /// The backward pass's kernel (gradient plans only: inference plans never run backward): the gathered one for
    /// few input channels, else Winograd's for 3×3 stride-1 layers it applies to, else the direct kernel's.
    let gatheredAdjoint: GatheredAdjoint?
    let winogradAdjoint: WinogradConvolution?
    let adjoint: DirectConvolution?
    /// A strided layer's backward pass on the vector kernel (gradient plans only).
    let stridedAdjoint: StridedAdjoint?
    /// Keras's kernel [kh, kw, in, out] read as a [patchSize, out] matrix: already the im2col layout.
    let weights: [Float]
    let bias: [Float]?
    let filters: Int
    let activation: Activation

    /// `isa`: the instruction set of the Winograd or direct kernel, nil for im2col; `winograd` false keeps 3×3 layers
    /// on the direct kernel (see `makeKernel`); `adjointISA` that of the backward pass's direct kernel, nil for
    /// im2col's adjoint.
    init(kernel: Tensor, bias: Tensor?, window: Window, activation: Activation, shapes: KernelShapes,
         isa: VectorISA? = VectorISA.best, winograd allowsWinograd: Bool = true, adjointISA: VectorISA? = nil) {
        let geometry = ConvGeometry(window: window, input: shapes.input, output: shapes.output), filters = kernel.shape.last!
        self.geometry = geometry
        self.filters = filters
        winograd = isa.flatMap { isa in
            allowsWinograd && WinogradConvolution.runsForward(geometry)
                ? WinogradConvolution(geometry: geometry, kernel: kernel.scalars, filters: filters, isa: isa) : nil
        }
        direct = winograd == nil
            ? isa.map { DirectConvolution(geometry: geometry, kernel: kernel.scalars, filters: filters, isa: $0) } : nil
        gatheredAdjoint = adjointISA.flatMap { GatheredAdjoint(of: geometry, kernel: kernel.scalars, filters: filters, isa: $0) }
        let wider = gatheredAdjoint == nil ? adjointISA : nil
        winogradAdjoint = wider.flatMap { WinogradConvolution.adjoint(of: geometry, kernel: kernel.scalars, filters: filters, isa: $0) }
        adjoint = winogradAdjoint == nil
            ? wider.flatMap { DirectConvolution.adjoint(of: geometry, kernel: kernel.scalars, filters: filters, isa: $0) } : nil
        stridedAdjoint = wider.flatMap { StridedAdjoint(of: geometry, kernel: kernel.scalars, filters: filters, isa: $0) }
        weights = kernel.scalars
        self.bias = bias?.scalars
        self.activation = activation
    }

    /// This layer with its forward pass through Winograd, where the direct kernel ran it and Winograd runs forward
    /// (`WinogradConvolution.runsForward`; else nil); the backward pass keeps its kernels, the same arrays. For
    /// input-gradient plans (`Plan.withWinogradForward`).
    func withWinogradForward() -> ConvolutionKernel? {
        guard let isa = direct?.isa, WinogradConvolution.runsForward(geometry) else { return nil }
        var layer = self
        layer.winograd = WinogradConvolution(geometry: geometry, kernel: weights, filters: filters, isa: isa)
        layer.direct = nil
        return layer
    }

    /// Output positions per tile: about 256 KB of im2col scratch, at least one position.
    private var tileSize: Int { max(1, min(geometry.positions, 65_536 / max(geometry.patchSize, 1))) }

    /// A second input is a residual connection an inference plan folded in (`inferenceNodes`): added to the sums
    /// before the activation, in registers by the direct kernel, in a pass after the others.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let residual = inputs.count > 1 ? inputs[1] : nil
        if let direct {
            return withOptionalPointer(bias) { bias in
                direct.forward(inputs[0], output, batch: batch, bias: bias, filters: filters, activation: activation, residual: residual)
            }
        }
        guard let residual else { return forwardSums(inputs[0], output, batch: batch, activation: activation) }
        forwardSums(inputs[0], output, batch: batch, activation: .linear)
        Parallel.forEachRange(batch * geometry.positions, cost: filters) { rows in
            let start = rows.lowerBound * filters
            for i in start..<(start + rows.count * filters) { output[i] += residual[i] }
            finishRows(output + start, rows: rows.count, channels: filters, bias: nil, activation: activation)
        }
    }

    /// Winograd's or im2col's `activation(conv(input) + bias)`.
    private func forwardSums(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int, activation: Activation) {
        if let winograd {
            return withOptionalPointer(bias) { bias in
                winograd.forward(input, output, batch: batch, bias: bias, activation: activation)
            }
        }
        let g = geometry
        let tile = tileSize
        let tilesPerSample = (g.positions + tile - 1) / tile
        weights.withUnsafeBufferPointer { weights in
            Parallel.forEachRange(batch * tilesPerSample, cost: tile * g.patchSize * filters) { tasks in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: g.isPointwise ? 0 : tile * g.patchSize)
                defer { scratch.deallocate() }
                for task in tasks {
                    let sample = task / tilesPerSample
                    let first = (task % tilesPerSample) * tile
                    let positions = first..<min(first + tile, g.positions)
                    let input = input + sample * g.inputCount
                    let patches: UnsafePointer<Float>
                    if g.isPointwise {
                        patches = input + first * g.channels
                    } else {
                        g.im2col(input, positions: positions, into: scratch)
                        patches = UnsafePointer(scratch)
                    }
                    let result = output + (sample * g.positions + first) * filters
                    BLAS.multiply(patches, weights.baseAddress!, into: result, m: positions.count, n: filters, k: g.patchSize)
                    finishRows(result, rows: positions.count, channels: filters, bias: bias, activation: activation)
                }
            }
        }
    }

    /// `gx += conv′(g)`, and a folded residual's shortcut gradient `+= g` (the sum's derivative, the activation's
    /// having been applied to `g` before). Both ways in turn, so a shortcut that is the convolution's own input
    /// collects both.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        propagate(outputGradient, inputGradients, batch: batch, adding: true)
    }

    /// `backward`'s work, the first input's gradient added to or (without `adding`) stored.
    private func propagate(_ outputGradient: UnsafePointer<Float>, _ inputGradients: [UnsafeMutablePointer<Float>?],
                           batch: Int, adding: Bool) {
        backwardThroughKernel(outputGradient, into: inputGradients[0], batch: batch, adding: adding)
        guard inputGradients.count > 1, let shortcut = inputGradients[1] else { return }
        Parallel.forEachRange(batch * geometry.positions, cost: filters) { rows in
            for i in (rows.lowerBound * filters)..<(rows.upperBound * filters) { shortcut[i] += outputGradient[i] }
        }
    }

    /// `gx += conv′(g)` (or `gx = conv′(g)` without `adding`, on the gathered and the stride-1 vector kernels'
    /// adjoints alone: see `storesFirstInputGradient`): im2col's is `col2im(g · kernelᵀ)`, tile by tile. Samples run
    /// in parallel; the tiles of one sample overlap in the input, so they run in order.
    private func backwardThroughKernel(_ outputGradient: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>?, batch: Int,
                                       adding: Bool) {
        guard let gx else { return }
        let g = geometry
        if let gatheredAdjoint { return gatheredAdjoint.gradient(outputGradient, into: gx, batch: batch, adding: adding) }
        if let winogradAdjoint {
            return winogradAdjoint.forward(outputGradient, gx, batch: batch, bias: nil, activation: .linear, adding: adding)
        }
        if let adjoint {
            return adjoint.forward(outputGradient, gx, batch: batch, bias: nil, filters: g.channels, activation: .linear, adding: adding)
        }
        precondition(adding, "only the vector kernels' adjoints store")
        if let stridedAdjoint { return stridedAdjoint.add(outputGradient, into: gx, batch: batch) }
        let tile = tileSize
        weights.withUnsafeBufferPointer { weights in
            Parallel.forEachRange(batch, cost: g.positions * g.patchSize * filters) { samples in
                let patches = UnsafeMutablePointer<Float>.allocate(capacity: tile * g.patchSize)
                defer { patches.deallocate() }
                for sample in samples {
                    for first in stride(from: 0, to: g.positions, by: tile) {
                        let positions = first..<min(first + tile, g.positions)
                        BLAS.multiply(outputGradient + (sample * g.positions + first) * filters, weights.baseAddress!,
                                      into: patches, m: positions.count, n: g.patchSize, k: filters, transposeB: true)
                        g.col2imAdd(patches, positions: positions, into: gx + sample * g.inputCount)
                    }
                }
            }
        }
    }
}

/// Calls `body` with a pointer to the array's elements, or nil for no array.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

extension ConvolutionKernel: FirstInputGradientStoring {
    /// The gathered adjoint, and a stride-1 layer's on the Winograd or direct kernel, write every value of the
    /// input's gradient.
    var storesFirstInputGradient: Bool { gatheredAdjoint != nil || winogradAdjoint != nil || adjoint != nil }

    func backwardStoringFirstInputGradient(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>,
                                           _ outputGradient: UnsafePointer<Float>,
                                           _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?) {
        propagate(outputGradient, inputGradients, batch: batch, adding: false)
    }
}
