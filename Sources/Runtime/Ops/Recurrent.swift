import KerasLensGraph

/// An LSTM, GRU or SimpleRNN over each sample's [time, features] sequence, from a zero state.
///
/// Samples step through time in blocks of `blockSamples` (`RecurrentSteps.swift`): the input part of every gate is
/// one product over all steps of the block (`x · kernel`), each step's `h · recurrent_kernel` one product over the
/// block's rows, through `RecurrentMatrix`, which sums every row in one fixed order, so a sample's result does not
/// depend on the batch it comes in. A gradient pass's forward pass keeps each step's gates and states
/// (`forwardKeepingTrace`; a backward pass without them replays the block's forward pass), and the backward pass
/// walks back through time with the same block products (`RecurrentBackward.swift`).
///
/// With a second input, a [time, 1] mask, a masked step changes nothing (state and LSTM cell carried over, as
/// Keras's `rnn` does) and outputs the carried state, or zeros with `zeroOutputForMask`.
struct RecurrentKernel: TracingKernel {
    let recurrence: Recurrence
    let steps: Int
    let features: Int
    let units: Int
    /// g·units: the width of the gate blocks.
    let columns: Int
    /// `kernel` [features → columns].
    let kernel: RecurrentMatrix
    /// `recurrent_kernel` [units → columns]; for a GRU without `resetAfter`, only its z and r blocks [units → 2·units].
    let recurrent: RecurrentMatrix
    /// A GRU without `resetAfter`: the h block of `recurrent_kernel` [units → units], which multiplies `r ⊙ h₋₁`.
    let candidate: RecurrentMatrix?
    /// Added to `x · kernel` at every step (nil without a bias).
    let inputBias: [Float]?
    /// A GRU with `resetAfter` and a bias: added to `h₋₁ · recurrent_kernel`.
    let recurrentBias: [Float]?
    let activation: any ElementwiseActivation
    let gate: any ElementwiseActivation
    /// The backward pass's weights (`recurrent_kernel`'s blocks transposed, `kernel` as it is); gradient plans only.
    let transposed: RecurrentTransposes?
    /// Whether the node reads a mask as its second input.
    let masked: Bool
    /// Scratch memory kept between calls: a traced block of an LSTM(128) over 100 steps takes megabytes, and
    /// allocating them afresh each call spent a fifth of integrated gradients' time faulting pages in.
    let scratchPools = PoolCache()

    /// One direction of `node`'s recurrence: its `backward_` weights and reading the other way for the backward half
    /// of a bidirectional layer. `differentiable`: the kernel will be asked for backward passes.
    init(node: Node, recurrence: Recurrence, backward: Bool = false, shapes: KernelShapes, differentiable: Bool) {
        func weight(_ name: String) -> Tensor? { node.weights[Recurrence.weightName(name, backward: backward)] }
        let recurrence = recurrence.direction(backward: backward)
        self.recurrence = recurrence
        steps = shapes.input[0]
        features = shapes.input[1]
        let units = recurrence.units
        self.units = units
        let columns = recurrence.cell.gateCount * units
        self.columns = columns
        let isa = VectorISA.best
        let kernel = weight("kernel")!.scalars
        let full = weight("recurrent_kernel")!.scalars
        self.kernel = RecurrentMatrix(kernel, inner: features, width: columns, isa: isa)
        // A GRU without `resetAfter` splits `recurrent_kernel`: [z r] multiplies h₋₁, h multiplies r ⊙ h₋₁.
        let split = recurrence.cell == .gru && !recurrence.resetAfter
        let recurrentWidth = split ? 2 * units : columns
        recurrent = RecurrentMatrix(inner: units, width: recurrentWidth, isa: isa) { full[$0 * columns + $1] }
        candidate = split ? RecurrentMatrix(inner: units, width: units, isa: isa) { full[$0 * columns + 2 * units + $1] } : nil
        if differentiable {
            transposed = RecurrentTransposes(
                kernel: kernel,
                recurrent: RecurrentMatrix(inner: recurrentWidth, width: units, isa: isa) { full[$1 * columns + $0] },
                candidate: split ? RecurrentMatrix(inner: units, width: units, isa: isa) { full[$1 * columns + 2 * units + $0] } : nil)
        } else {
            transposed = nil
        }
        let bias = weight("bias")?.scalars ?? []
        if bias.isEmpty {
            inputBias = nil
        } else if bias.count == 2 * columns, !recurrence.resetAfter {
            // An LSTM with cuDNN's input and recurrent biases: both add to the gates (summed as tf-keras sums them).
            inputBias = (0..<columns).map { bias[$0] + bias[columns + $0] }
        } else {
            inputBias = Array(bias.prefix(columns))
        }
        recurrentBias = recurrence.resetAfter && !bias.isEmpty ? Array(bias.suffix(columns)) : nil
        activation = recurrence.activation.elementwise
        gate = (recurrence.recurrentActivation ?? .linear).elementwise
        masked = shapes.inputs.count == 2
    }

    /// Samples per block at most: enough rows for the direct kernel's register blocks, little enough scratch to stay
    /// in cache.
    static let blockSamples = 32

    /// Floats of one sample's output: every step's state, or the last.
    var outputCount: Int { recurrence.returnSequences ? steps * units : units }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let blocks = RecurrentBlocks(self, batch: batch)
        Parallel.forEachRange(blocks.count, cost: steps * columns * (features + units) * blocks.size) { range in
            let pool = scratchPools.take()
            defer { scratchPools.give(pool) }
            let scratch = RecurrentScratch(self, samples: blocks.size, traced: false, pool: pool)
            defer { scratch.release(to: pool) }
            for block in range { run(inputs, blocks.samples(block), scratch: scratch, output: output) }
        }
    }

    /// Floats a kept trace may take; past it, the backward pass replays the forward pass block by block instead.
    static let traceLimit = 64 << 20 / MemoryLayout<Float>.size

    /// The forward pass, every block keeping its gates and states for `backward(…, trace:)` (when they fit in
    /// `traceLimit`).
    func forwardKeepingTrace(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) -> AnyObject? {
        let layout = RecurrentBlocks(self, batch: batch)
        guard layout.count * RecurrentScratch.floats(self, samples: layout.size, traced: true) <= Self.traceLimit else {
            forward(inputs, output, batch: batch)
            return nil
        }
        let trace = RecurrentTrace(self, batch: batch)
        let blocks = trace.blocks
        Parallel.forEachRange(blocks.count, cost: steps * columns * (features + units) * blocks.size) { range in
            for block in range { run(inputs, blocks.samples(block), scratch: trace.scratch[block], output: output) }
        }
        return trace
    }

    /// Adds `∂L/∂x`, block by block, back through time from the block's trace: the one the forward pass kept, or,
    /// without it, the block's forward pass replayed.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?) {
        guard let gx = inputGradients[0] else { return }
        guard let transposed else { preconditionFailure("a recurrent kernel of an inference plan was asked for gradients") }
        let kept = (trace as? RecurrentTrace).flatMap { $0.blocks.batch == batch ? $0 : nil }
        let blocks = kept?.blocks ?? RecurrentBlocks(self, batch: batch)
        Parallel.forEachRange(blocks.count, cost: 3 * steps * columns * (features + units) * blocks.size) { range in
            let pool = kept == nil ? scratchPools.take() : nil
            defer { if let pool { scratchPools.give(pool) } }
            let replay = pool.map { RecurrentScratch(self, samples: blocks.size, traced: true, pool: $0) }
            defer { if let pool, let replay { replay.release(to: pool) } }
            for block in range {
                let samples = blocks.samples(block)
                let mask = mask(inputs, samples.lowerBound)
                let scratch: RecurrentScratch
                if let kept {
                    scratch = kept.scratch[block]
                } else {
                    scratch = replay!
                    run(inputs, samples, scratch: scratch, output: nil)
                }
                backThroughTime(mask: mask, count: samples.count, scratch: scratch, transposed: transposed,
                                outputGradient: outputGradient + samples.lowerBound * outputCount,
                                inputGradient: gx + samples.lowerBound * steps * features)
            }
        }
    }

    /// `run` for the samples `samples` of the batch.
    private func run(_ inputs: [UnsafePointer<Float>], _ samples: Range<Int>, scratch: RecurrentScratch,
                     output: UnsafeMutablePointer<Float>?) {
        run(inputs[0] + samples.lowerBound * steps * features, mask: mask(inputs, samples.lowerBound), count: samples.count,
            scratch: scratch, output: output.map { $0 + samples.lowerBound * outputCount })
    }

    /// The time index read at the k-th step.
    func time(_ step: Int) -> Int { recurrence.goBackwards ? steps - 1 - step : step }

    /// The masks from sample `start` on (one value per time index and sample), when the node reads one.
    private func mask(_ inputs: [UnsafePointer<Float>], _ start: Int) -> UnsafePointer<Float>? {
        masked ? inputs[1] + start * steps : nil
    }

    /// Whether the k-th step of row `row` of a block (whose masks start at `mask`) is masked out: it keeps the state.
    func skips(_ step: Int, row: Int, mask: UnsafePointer<Float>?) -> Bool {
        guard let mask else { return false }
        return mask[row * steps + time(step)] == 0
    }

    /// Whether the k-th step's output is zeros rather than its state.
    func outputsZero(_ step: Int, row: Int, mask: UnsafePointer<Float>?) -> Bool {
        recurrence.zeroOutputForMask && skips(step, row: row, mask: mask)
    }
}

/// How a batch is cut into blocks of samples that step through time together, at most `blockSamples` each. The
/// blocks are a multiple of the direct kernel's register block (8 rows with AVX-512, 6 with AVX2) where the batch
/// allows, as few as fit, and whole blocks go to each core: a product over fewer rows runs them one at a time, bound
/// by latency, and a remainder past a multiple recomputes a whole register block (25 rows cost 32); integrated
/// gradients' 50 variants of a sample, cut into 8 ranges of 6 or 7, did both.
struct RecurrentBlocks: Sendable {
    let batch: Int
    /// Samples per block (the last may have fewer).
    let size: Int
    let count: Int

    init(_ kernel: RecurrentKernel, batch: Int) {
        let quantum = kernel.recurrent.isa?.block ?? 1
        let even = (batch + RecurrentKernel.blockSamples - 1) / RecurrentKernel.blockSamples
        self.batch = batch
        size = max(1, min(batch, RecurrentKernel.blockSamples, ((batch + even - 1) / max(even, 1) + quantum - 1) / quantum * quantum))
        count = (batch + size - 1) / size
    }

    func samples(_ block: Int) -> Range<Int> { (block * size)..<min((block + 1) * size, batch) }
}

/// A recurrent layer's forward pass over a batch, kept for its backward pass: each block's traced scratch, taken
/// from the kernel's pools and given back when the trace goes.
final class RecurrentTrace: @unchecked Sendable {
    let blocks: RecurrentBlocks
    let scratch: [RecurrentScratch]
    private let pool: BufferPool
    private let pools: PoolCache

    init(_ kernel: RecurrentKernel, batch: Int) {
        let blocks = RecurrentBlocks(kernel, batch: batch)
        self.blocks = blocks
        pools = kernel.scratchPools
        let pool = pools.take()
        self.pool = pool
        scratch = (0..<blocks.count).map { _ in RecurrentScratch(kernel, samples: blocks.size, traced: true, pool: pool) }
    }

    deinit {
        for block in scratch { block.release(to: pool) }
        pools.give(pool)
    }
}

/// The weights of the backward pass: `∂L/∂x = ∂L/∂gates · kernelᵀ`, `∂L/∂h₋₁ = ∂L/∂gates · recurrent_kernelᵀ`.
struct RecurrentTransposes: Sendable {
    /// `kernel` as it is, row-major [features, columns], for one OpenBLAS product per sample (`∂L/∂x` is [steps,
    /// features] per sample: a layer reading one feature would waste 31 of every 32 columns of the direct kernel).
    let kernel: [Float]
    /// [recurrent width → units].
    let recurrent: RecurrentMatrix
    /// A GRU without `resetAfter`: the h block's transpose [units → units].
    let candidate: RecurrentMatrix?
}

extension Activation {
    /// The element-wise function of an activation that a recurrent cell applies (`Recurrence` refuses the others).
    var elementwise: any ElementwiseActivation {
        guard case .elementwise(let function) = implementation else {
            preconditionFailure("\(kind.rawValue) is not element-wise; Recurrence.checkAttributes refuses it")
        }
        return function
    }
}
