import COpenBLAS
import KerasLensGraph

/// Max or average over each window; positions in the padding are ignored (so an average divides by the number of
/// input positions the window covers, as TensorFlow does).
struct PoolKernel: Kernel {
    let kind: PoolKind
    let geometry: ConvGeometry
    /// The instruction set of the vector kernels (forward, winners, backward rows); nil: the SSE forward kernel and the
    /// scalar definitions in shim.h.
    let isa: VectorISA?

    init(kind: PoolKind, window: Window, shapes: KernelShapes, isa: VectorISA? = VectorISA.best) {
        self.kind = kind
        geometry = ConvGeometry(window: window, input: shapes.input, output: shapes.output)
        self.isa = isa
    }

    /// Each output position gathers its window's taps (the padding left out) and `kl_pool_position` (or its
    /// AVX-512 or AVX2 build, with the same bits) reduces them with the sums in registers, prefetching the window
    /// `prefetchDistance` positions on.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        forward(inputs[0], output, batch: batch, winners: nil)
    }

    /// Max pooling also keeps, for each output value, the tap its gradient goes to (`PoolWinners`), found while the
    /// window's inputs are still in cache: its backward pass then reads no input.
    func forwardKeepingTrace(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) -> AnyObject? {
        let winners = kind == .max ? PoolWinners(count: batch * geometry.positions * geometry.channels) : nil
        forward(inputs[0], output, batch: batch, winners: winners)
        return winners
    }

    /// `forward`, each position's winners found right after its maximum when `winners` is given.
    private func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int, winners: PoolWinners?) {
        let poolPosition: VectorISA.PoolPosition = isa?.poolPosition ?? kl_pool_position
        let find: VectorISA.PoolWinners = isa?.poolWinners ?? kl_pool_winners
        let isMax: Int32 = kind == .max ? 1 : 0, channels = geometry.channels
        let ahead = Self.prefetchDistance * geometry.strideWidth * channels
        forEachPosition(input, batch: batch) { input, offsets, numbers, count, item in
            poolPosition(input, offsets, count, channels, isMax, 1 / Float(max(count, 1)), output + item, ahead)
            if let winners { find(input, offsets, numbers, count, channels, output + item, winners.values + item) }
        }
    }

    /// Output positions between a window and the one prefetched while it is reduced (a window's values arrive in
    /// time four positions ahead, in a C harness of InceptionV3's first pool).
    static let prefetchDistance = 4

    /// The winners of a max pooling's forward pass from `input` to `output`, found again.
    private func winners(_ input: UnsafePointer<Float>, _ output: UnsafePointer<Float>, batch: Int) -> PoolWinners {
        let winners = PoolWinners(count: batch * geometry.positions * geometry.channels)
        let find: VectorISA.PoolWinners = isa?.poolWinners ?? kl_pool_winners
        forEachPosition(input, batch: batch) { input, offsets, numbers, count, item in
            find(input, offsets, numbers, count, geometry.channels, output + item, winners.values + item)
        }
        return winners
    }

    /// `body(sample's input, tap offsets, tap numbers, tap count, output offset)` for every output position of the
    /// batch (taps in window order, the padding left out); split by output rows over the cores.
    private func forEachPosition(_ input: UnsafePointer<Float>, batch: Int,
                                 _ body: (UnsafePointer<Float>, UnsafePointer<Int>, UnsafePointer<Int32>, Int32, Int) -> Void) {
        let g = geometry, taps = g.kernelHeight * g.kernelWidth
        Parallel.forEachRange(batch * g.outHeight, cost: g.outWidth * taps * g.channels) { rows in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: taps) { offsets in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: taps) { numbers in
                    for item in rows {
                        let sample = item / g.outHeight, y = item % g.outHeight
                        for x in 0..<g.outWidth {
                            var count: Int32 = 0
                            g.forEachTap(y: y, x: x) { tap, offset in
                                offsets[Int(count)] = offset
                                numbers[Int(count)] = Int32(tap)
                                count &+= 1
                            }
                            body(input + sample * g.inputCount, offsets.baseAddress!, numbers.baseAddress!, count,
                                 ((sample * g.outHeight + y) * g.outWidth + x) * g.channels)
                        }
                    }
                }
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        backward(inputs, output, outputGradient, inputGradients, batch: batch, trace: nil)
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?) {
        gather(inputs[0], output, outputGradient, into: inputGradients[0], batch: batch, trace: trace, adding: true)
    }

    /// Max pooling sends each gradient to the first position holding the window's maximum (as TensorFlow does);
    /// average pooling spreads it evenly over the covered positions.
    ///
    /// Each input row gathers its gradient from the windows that cover it (`kl_pool_backward_row`), in output
    /// position order, and writes it once: rows are independent, so they split over the cores in any way with the
    /// same result, and the gradient need not be zeroed first. Scattered from the windows instead, overlapping
    /// windows had to run in bands of alternating parity, and max pooling compared every tap with the maximum
    /// again, reading the whole input back from memory.
    private func gather(_ input: UnsafePointer<Float>, _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                        into gx: UnsafeMutablePointer<Float>?, batch: Int, trace: AnyObject?, adding: Bool) {
        guard let gx else { return }
        let g = geometry, outputCount = g.positions * g.channels
        let winners = kind == .average ? nil : trace as? PoolWinners ?? self.winners(input, output, batch: batch)
        let row: VectorISA.PoolBackwardRow = isa?.poolBackwardRow ?? kl_pool_backward_row
        var shape = kl_pool_geometry(inHeight: Int32(g.inHeight), inWidth: Int32(g.inWidth), outHeight: Int32(g.outHeight),
                                     outWidth: Int32(g.outWidth), kernelHeight: Int32(g.kernelHeight),
                                     kernelWidth: Int32(g.kernelWidth), strideHeight: Int32(g.strideHeight),
                                     strideWidth: Int32(g.strideWidth), padTop: Int32(g.padTop), padLeft: Int32(g.padLeft))
        let windows = (g.kernelHeight + g.strideHeight - 1) / g.strideHeight * ((g.kernelWidth + g.strideWidth - 1) / g.strideWidth)
        withUnsafePointer(to: &shape) { shape in
            Parallel.forEachRange(batch * g.inHeight, cost: g.inWidth * g.channels * windows) { rows in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: g.channels)
                defer { scratch.deallocate() }
                for item in rows {
                    let sample = item / g.inHeight
                    row(outputGradient + sample * outputCount, winners.map { UnsafePointer($0.values) + sample * outputCount },
                        shape, Int32(item % g.inHeight), g.channels, gx + sample * g.inputCount, adding ? 1 : 0, scratch)
                }
            }
        }
    }
}

extension PoolKernel: FirstInputGradientStoring {
    /// The gathered gradient writes every input value.
    var storesFirstInputGradient: Bool { true }

    func backwardStoringFirstInputGradient(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>,
                                           _ outputGradient: UnsafePointer<Float>,
                                           _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?) {
        gather(inputs[0], output, outputGradient, into: inputGradients[0], batch: batch, trace: trace, adding: false)
    }
}

/// Max pooling's trace: for each output value, the number (in window order, as a float) of the tap its gradient
/// goes to, −1 for none (`kl_pool_winners`).
final class PoolWinners {
    let values: UnsafeMutablePointer<Float>

    init(count: Int) { values = .allocate(capacity: count) }

    deinit { values.deallocate() }
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
