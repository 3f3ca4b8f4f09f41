import KerasLensGraph

/// Grouped convolution (`groups` between 1 and the channel count) as one im2col + matrix product per group. The
/// input channels of a group are first gathered into a contiguous sample (a cheap copy next to the product), so
/// the group's im2col is the plain one over `channels / groups` channels; its product writes the group's band of
/// output channels in place. Work is one (sample, group) pair per task, so a single sample still uses every core.
struct GroupedConvolutionKernel: Kernel {
    /// The window over one group's channels.
    let geometry: ConvGeometry
    let groups: Int
    let filters: Int
    /// Per group, its kernel as a [patchSize, filters / groups] matrix (Keras's kernel [k…, in / groups, out] with
    /// the group's band of output columns cut out).
    let weights: [Float]
    let bias: [Float]?
    let activation: Activation

    init(kernel: Tensor, bias: Tensor?, window: Window, groups: Int, activation: Activation, shapes: KernelShapes) {
        var groupInput = shapes.input
        groupInput[groupInput.count - 1] /= groups
        geometry = ConvGeometry(window: window, input: groupInput, output: shapes.output)
        self.groups = groups
        filters = kernel.shape.last!
        let rows = geometry.patchSize, bandWidth = filters / groups
        var packed = [Float](repeating: 0, count: groups * rows * bandWidth)
        for group in 0..<groups {
            for row in 0..<rows {
                for column in 0..<bandWidth {
                    packed[(group * rows + row) * bandWidth + column] = kernel.scalars[row * filters + group * bandWidth + column]
                }
            }
        }
        weights = packed
        self.bias = bias?.scalars
        self.activation = activation
    }

    private var bandWidth: Int { filters / groups }
    /// Output positions per product: about 256 KB of im2col scratch, at least one position.
    private var tileSize: Int { max(1, min(geometry.positions, 65_536 / max(geometry.patchSize, 1))) }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let g = geometry, tile = tileSize, band = bandWidth
        weights.withUnsafeBufferPointer { weights in
            Parallel.forEachRange(batch * groups, cost: g.positions * g.patchSize * band) { tasks in
                let sample = UnsafeMutablePointer<Float>.allocate(capacity: g.inputCount)
                let patches = UnsafeMutablePointer<Float>.allocate(capacity: g.isPointwise ? 0 : tile * g.patchSize)
                defer { sample.deallocate(); patches.deallocate() }
                for task in tasks {
                    let (index, group) = task.quotientAndRemainder(dividingBy: groups)
                    gather(inputs[0] + index * g.inputCount * groups, group: group, into: sample)
                    let kernel = weights.baseAddress! + group * g.patchSize * band
                    for first in stride(from: 0, to: g.positions, by: tile) {
                        let positions = first..<min(first + tile, g.positions)
                        let rows: UnsafePointer<Float>
                        if g.isPointwise {
                            rows = UnsafePointer(sample) + first * g.channels
                        } else {
                            g.im2col(sample, positions: positions, into: patches)
                            rows = UnsafePointer(patches)
                        }
                        BLAS.multiply(rows, kernel, into: output + (index * g.positions + first) * filters + group * band,
                                      m: positions.count, n: band, k: g.patchSize, rowStrideC: filters)
                    }
                }
            }
        }
        Parallel.forEachRange(batch, cost: g.positions * filters) { samples in
            for index in samples {
                finishRows(output + index * g.positions * filters, rows: g.positions, channels: filters, bias: bias,
                           activation: activation)
            }
        }
    }

    /// Per (sample, group): `col2im(g_band · kernelᵀ)` into the group's own gathered gradient, then added onto the
    /// group's channels of `gx` (tasks of one sample touch disjoint channels).
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let g = geometry, tile = tileSize, band = bandWidth
        weights.withUnsafeBufferPointer { weights in
            Parallel.forEachRange(batch * groups, cost: g.positions * g.patchSize * band) { tasks in
                let sample = UnsafeMutablePointer<Float>.allocate(capacity: g.inputCount)
                let patches = UnsafeMutablePointer<Float>.allocate(capacity: tile * g.patchSize)
                defer { sample.deallocate(); patches.deallocate() }
                for task in tasks {
                    let (index, group) = task.quotientAndRemainder(dividingBy: groups)
                    sample.update(repeating: 0, count: g.inputCount)
                    let kernel = weights.baseAddress! + group * g.patchSize * band
                    for first in stride(from: 0, to: g.positions, by: tile) {
                        let positions = first..<min(first + tile, g.positions)
                        BLAS.multiply(outputGradient + (index * g.positions + first) * filters + group * band, kernel,
                                      into: patches, m: positions.count, n: g.patchSize, k: band, transposeB: true,
                                      rowStrideA: filters)
                        g.col2imAdd(patches, positions: positions, into: sample)
                    }
                    scatterAdd(sample, group: group, into: gx + index * g.inputCount * groups)
                }
            }
        }
    }

    /// Copies the group's channels of one sample (all `channels · groups` per position) into a contiguous sample.
    private func gather(_ input: UnsafePointer<Float>, group: Int, into sample: UnsafeMutablePointer<Float>) {
        let width = geometry.channels, stride = width * groups
        for position in 0..<(geometry.inHeight * geometry.inWidth) {
            copyFloats(from: input + position * stride + group * width, to: sample + position * width, count: width)
        }
    }

    /// The adjoint of `gather`: adds a group's contiguous gradient onto its channels of one sample's gradient.
    private func scatterAdd(_ sample: UnsafePointer<Float>, group: Int, into gradient: UnsafeMutablePointer<Float>) {
        let width = geometry.channels, stride = width * groups
        for position in 0..<(geometry.inHeight * geometry.inWidth) {
            let from = sample + position * width, to = gradient + position * stride + group * width
            for c in 0..<width { to[c] += from[c] }
        }
    }
}
