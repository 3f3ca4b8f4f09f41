import COpenBLAS
import KerasLensGraph

/// Max or average over each window; positions in the padding are ignored (so an average divides by the number of
/// input positions the window covers, as TensorFlow does).
struct PoolKernel: Kernel {
    let kind: PoolKind
    let geometry: ConvGeometry
    /// The instruction set of the forward pass's vector kernel; nil: the SSE one.
    let isa: VectorISA?

    init(kind: PoolKind, window: Window, shapes: KernelShapes, isa: VectorISA? = VectorISA.best) {
        self.kind = kind
        geometry = ConvGeometry(window: window, input: shapes.input, output: shapes.output)
        self.isa = isa
    }

    /// Each output position gathers its window's taps (the padding left out) and `kl_pool_position` (or its
    /// AVX-512 or AVX2 build, with the same bits) reduces them with the sums in registers; work is split by output
    /// rows over the whole batch.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let g = geometry
        let channels = g.channels
        let isMax: Int32 = kind == .max ? 1 : 0
        let poolPosition: VectorISA.PoolPosition = isa?.poolPosition ?? kl_pool_position
        Parallel.forEachRange(batch * g.outHeight, cost: g.outWidth * g.kernelHeight * g.kernelWidth * channels) { rows in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: g.kernelHeight * g.kernelWidth) { offsets in
                for item in rows {
                    let sample = item / g.outHeight, y = item % g.outHeight
                    let input = inputs[0] + sample * g.inputCount
                    for x in 0..<g.outWidth {
                        var count: Int32 = 0
                        g.forEachTap(y: y, x: x) { _, offset in
                            offsets[Int(count)] = offset
                            count &+= 1
                        }
                        poolPosition(input, offsets.baseAddress, count, channels, isMax, 1 / Float(max(count, 1)),
                                     output + ((sample * g.outHeight + y) * g.outWidth + x) * channels)
                    }
                }
            }
        }
    }

    /// Max pooling sends each gradient to the first position holding the window's maximum (as TensorFlow does);
    /// average pooling spreads it evenly over the covered positions.
    ///
    /// Windows overlap in the input, so the work is cut into bands of output rows whose windows, two bands apart,
    /// share no input row: the even bands run over the cores, then the odd ones, each band with all its channels in
    /// position order. An input element thus receives its gradients in an order fixed by the geometry alone (the
    /// even bands', then the odd bands'), whatever the batch or the cores. Split by blocks of channels instead, every
    /// task strode through the whole image, 16 channels of each position at a time.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let g = geometry
        let channels = g.channels, taps = g.kernelHeight * g.kernelWidth
        // A band of `rows` output rows reads (rows − 1) · stride + kernel input rows and the band two on starts
        // 2 · rows · stride rows after it, so they share none once rows ≥ kernel / stride − 1.
        let rows = max(1, (g.kernelHeight + g.strideHeight - 1) / g.strideHeight - 1)
        let bands = (g.outHeight + rows - 1) / rows
        for parity in 0..<min(2, bands) {
            let perSample = (bands - parity + 1) / 2
            Parallel.forEachRange(batch * perSample, cost: rows * g.outWidth * taps * channels) { tasks in
                let offsets = UnsafeMutablePointer<Int>.allocate(capacity: taps)
                defer { offsets.deallocate() }
                for task in tasks {
                    let sample = task / perSample, band = task % perSample * 2 + parity
                    let input = inputs[0] + sample * g.inputCount, target = gx + sample * g.inputCount
                    for y in (band * rows)..<min(g.outHeight, (band + 1) * rows) {
                        for x in 0..<g.outWidth {
                            let item = (sample * g.outHeight + y) * g.outWidth + x
                            var count: Int32 = 0
                            g.forEachTap(y: y, x: x) { _, offset in
                                offsets[Int(count)] = offset
                                count &+= 1
                            }
                            let gradient = outputGradient + item * channels
                            if kind == .max {
                                kl_max_pool_backward(input, target, offsets, count, output + item * channels, gradient, channels)
                            } else if count > 0 {
                                let scale = 1 / Float(count)
                                for tap in 0..<Int(count) { kl_add_scaled(target + offsets[tap], gradient, scale, channels) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Max or average over all spatial positions, per channel.
struct GlobalPoolKernel: Kernel {
    let kind: PoolKind
    let positions: Int
    let channels: Int

    init(kind: PoolKind, shapes: KernelShapes) {
        self.kind = kind
        channels = shapes.input.last!
        positions = shapes.input.dropLast().reduce(1, *)
    }

    /// Samples in parallel. One sample stays on one core, its input read once in order (blocks of channels on two
    /// cores made EfficientNet's squeeze-and-excitation pools slower: each core pulled in the other's cache lines).
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        Parallel.forEachRange(batch, cost: positions * channels) { samples in
            for sample in samples {
                let input = inputs[0] + sample * positions * channels
                let row = output + sample * channels
                row.update(repeating: kind == .max ? -.infinity : 0, count: channels)
                for position in 0..<positions {
                    let line = input + position * channels
                    if kind == .max {
                        for c in 0..<channels { row[c] = max(row[c], line[c]) }
                    } else {
                        for c in 0..<channels { row[c] += line[c] }
                    }
                }
                if kind == .average {
                    let scale = 1 / Float(positions)
                    for c in 0..<channels { row[c] *= scale }
                }
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        Parallel.forEachRange(batch, cost: positions * channels) { samples in
            for sample in samples {
                let input = inputs[0] + sample * positions * channels, target = gx + sample * positions * channels
                let gradient = outputGradient + sample * channels, best = output + sample * channels
                if kind == .average {
                    let scale = 1 / Float(positions)
                    for position in 0..<positions {
                        for c in 0..<channels { target[position * channels + c] += gradient[c] * scale }
                    }
                } else {
                    for c in 0..<channels {
                        if let position = (0..<positions).first(where: { input[$0 * channels + c] == best[c] }) {
                            target[position * channels + c] += gradient[c]
                        }
                    }
                }
            }
        }
    }
}
