import KerasLensGraph

/// An LSTM, GRU or SimpleRNN over each sample's [time, features] sequence, from a zero state.
///
/// Per sample, the input part of every gate is one matrix product over all steps (`x · kernel`, [time, g·units]);
/// each step then adds `h · recurrent_kernel`, a one-row product. Samples run independently (spread over cores),
/// so a sample's result does not depend on the batch it comes in. The backward pass replays the forward pass of a
/// sample, keeping each step's gates, and walks back through time.
///
/// With a second input, a [time, 1] mask, a masked step changes nothing (state and LSTM cell carried over, as
/// Keras's `rnn` does) and outputs the carried state, or zeros with `zeroOutputForMask`.
struct RecurrentKernel: Kernel {
    let recurrence: Recurrence
    let steps: Int
    let features: Int
    let units: Int
    /// g·units: the width of the gate blocks.
    let columns: Int
    let kernel: [Float]
    /// `recurrent_kernel` [units, g·units]; for a GRU without `resetAfter`, only its z and r blocks [units, 2·units].
    let recurrent: [Float]
    /// A GRU without `resetAfter`: the h block of `recurrent_kernel` [units, units], which multiplies `r ⊙ h₋₁`.
    let candidate: [Float]
    /// Added to `x · kernel` at every step (zeros without a bias).
    let inputBias: [Float]
    /// A GRU with `resetAfter`: added to `h₋₁ · recurrent_kernel` (zeros otherwise).
    let recurrentBias: [Float]
    let activation: any ElementwiseActivation
    let gate: any ElementwiseActivation
    /// With AVX2 or AVX-512, the weights for the inference pass over blocks of samples (`RecurrentBlocks.swift`).
    let blockWeights: RecurrentBlockWeights?
    /// Whether the node reads a mask as its second input.
    let masked: Bool

    /// One direction of `node`'s recurrence: its `backward_` weights and reading the other way for the backward half
    /// of a bidirectional layer.
    init(node: Node, recurrence: Recurrence, backward: Bool = false, shapes: KernelShapes) {
        func weight(_ name: String) -> Tensor? { node.weights[Recurrence.weightName(name, backward: backward)] }
        let recurrence = recurrence.direction(backward: backward)
        self.recurrence = recurrence
        steps = shapes.input[0]
        features = shapes.input[1]
        units = recurrence.units
        columns = recurrence.cell.gateCount * units
        kernel = weight("kernel")!.scalars
        let full = weight("recurrent_kernel")!.scalars
        if recurrence.cell == .gru, !recurrence.resetAfter {
            let (units, columns) = (units, columns)
            recurrent = (0..<units).flatMap { row in full[(row * columns)..<(row * columns + 2 * units)] }
            candidate = (0..<units).flatMap { row in full[(row * columns + 2 * units)..<((row + 1) * columns)] }
        } else {
            recurrent = full
            candidate = []
        }
        let bias = weight("bias")?.scalars ?? []
        let columns = columns
        if bias.isEmpty {
            inputBias = Array(repeating: 0, count: columns)
        } else if bias.count == 2 * columns, !recurrence.resetAfter {
            // An LSTM with cuDNN's input and recurrent biases: both add to the gates (summed as tf-keras sums them).
            inputBias = (0..<columns).map { bias[$0] + bias[columns + $0] }
        } else {
            inputBias = Array(bias.prefix(columns))
        }
        recurrentBias = recurrence.resetAfter && !bias.isEmpty ? Array(bias.suffix(columns)) : Array(repeating: 0, count: columns)
        activation = recurrence.activation.elementwise
        gate = (recurrence.recurrentActivation ?? .linear).elementwise
        if let isa = VectorISA.best {
            blockWeights = RecurrentBlockWeights(isa: isa, kernel: kernel, recurrent: recurrent, candidate: candidate,
                                                 features: features, units: units, columns: columns)
        } else {
            blockWeights = nil
        }
        masked = shapes.inputs.count == 2
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        if let blockWeights {
            return forwardInBlocks(inputs[0], mask: masked ? inputs[1] : nil, output, batch: batch, weights: blockWeights)
        }
        let outputCount = recurrence.returnSequences ? steps * units : units
        Parallel.forEachRange(batch, cost: steps * columns * (features + units)) { samples in
            let trace = RecurrentTrace(steps: steps, units: units, columns: columns)
            defer { trace.release() }
            for sample in samples {
                let mask = self.mask(inputs, sample: sample)
                run(inputs[0] + sample * steps * features, mask: mask, trace: trace)
                let result = output + sample * outputCount
                if recurrence.returnSequences {
                    result.update(from: trace.states + units, count: steps * units)
                    for step in 0..<steps where outputsZero(step, mask: mask) {
                        (result + step * units).update(repeating: 0, count: units)
                    }
                } else {
                    result.update(from: trace.states + steps * units, count: units)
                    if outputsZero(steps - 1, mask: mask) { result.update(repeating: 0, count: units) }
                }
            }
        }
    }

    /// Adds `∂L/∂x` for each sample, replaying its forward pass and going back through time.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let outputCount = recurrence.returnSequences ? steps * units : units
        Parallel.forEachRange(batch, cost: 2 * steps * columns * (features + units)) { samples in
            let trace = RecurrentTrace(steps: steps, units: units, columns: columns)
            defer { trace.release() }
            for sample in samples {
                let mask = self.mask(inputs, sample: sample)
                run(inputs[0] + sample * steps * features, mask: mask, trace: trace)
                backward(trace: trace, mask: mask, outputGradient: outputGradient + sample * outputCount)
                kernel.withUnsafeBufferPointer { kernel in
                    BLAS.multiply(trace.projectionGradient, kernel.baseAddress!, into: gx + sample * steps * features,
                                  m: steps, n: features, k: columns, accumulate: true, transposeB: true)
                }
            }
        }
    }

    /// The time index read at the k-th step.
    func time(_ step: Int) -> Int { recurrence.goBackwards ? steps - 1 - step : step }

    /// A sample's mask (one value per time index), when the node reads one.
    private func mask(_ inputs: [UnsafePointer<Float>], sample: Int) -> UnsafePointer<Float>? {
        masked ? inputs[1] + sample * steps : nil
    }

    /// Whether the k-th step is masked out: it keeps the state.
    func skips(_ step: Int, mask: UnsafePointer<Float>?) -> Bool {
        guard let mask else { return false }
        return mask[time(step)] == 0
    }

    /// Whether the k-th step's output is zeros rather than its state.
    func outputsZero(_ step: Int, mask: UnsafePointer<Float>?) -> Bool {
        recurrence.zeroOutputForMask && skips(step, mask: mask)
    }

    /// One sample's forward pass, keeping every step's gates and states in `trace`.
    private func run(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, trace: RecurrentTrace) {
        let (units, columns) = (units, columns)
        let projection = trace.projection
        kernel.withUnsafeBufferPointer { kernel in
            BLAS.multiply(x, kernel.baseAddress!, into: projection, m: steps, n: columns, k: features)
        }
        inputBias.withUnsafeBufferPointer { bias in
            for t in 0..<steps {
                for j in 0..<columns { projection[t * columns + j] += bias[j] }
            }
        }
        trace.states.update(repeating: 0, count: units)
        trace.cells.update(repeating: 0, count: units)
        recurrent.withUnsafeBufferPointer { recurrent in
            let recurrent = recurrent.baseAddress!
            for step in 0..<steps {
                let pre = trace.pre + step * columns
                let post = trace.post + step * columns
                let previous = trace.states + step * units
                let state = previous + units
                if skips(step, mask: mask) {
                    state.update(from: previous, count: units)
                    (trace.cells + (step + 1) * units).update(from: trace.cells + step * units, count: units)
                    continue
                }
                pre.update(from: projection + time(step) * columns, count: columns)
                switch recurrence.cell {
                case .lstm:
                    BLAS.multiply(previous, recurrent, into: pre, m: 1, n: columns, k: units, accumulate: true)
                    post.update(from: pre, count: columns)
                    gate.apply(post, count: 2 * units)
                    activation.apply(post + 2 * units, count: units)
                    gate.apply(post + 3 * units, count: units)
                    let cell = trace.cells + (step + 1) * units
                    let previousCell = cell - units
                    let squashed = trace.extra + step * units
                    for j in 0..<units { cell[j] = post[units + j] * previousCell[j] + post[j] * post[2 * units + j] }
                    squashed.update(from: cell, count: units)
                    activation.apply(squashed, count: units)
                    for j in 0..<units { state[j] = post[3 * units + j] * squashed[j] }
                case .gru:
                    let candidateInput = trace.extra + step * units
                    if recurrence.resetAfter {
                        // extra = h₋₁·R_h + b_rec,h, which the reset gate scales.
                        let hidden = trace.hidden
                        recurrentBias.withUnsafeBufferPointer { hidden.update(from: $0.baseAddress!, count: columns) }
                        BLAS.multiply(previous, recurrent, into: hidden, m: 1, n: columns, k: units, accumulate: true)
                        for j in 0..<(2 * units) { pre[j] += hidden[j] }
                        candidateInput.update(from: hidden + 2 * units, count: units)
                        post.update(from: pre, count: 2 * units)
                        gate.apply(post, count: 2 * units)
                        for j in 0..<units { pre[2 * units + j] += post[units + j] * candidateInput[j] }
                    } else {
                        // extra = r ⊙ h₋₁, which R_h multiplies.
                        BLAS.multiply(previous, recurrent, into: pre, m: 1, n: 2 * units, k: units, accumulate: true)
                        post.update(from: pre, count: 2 * units)
                        gate.apply(post, count: 2 * units)
                        for j in 0..<units { candidateInput[j] = post[units + j] * previous[j] }
                        candidate.withUnsafeBufferPointer { candidate in
                            BLAS.multiply(candidateInput, candidate.baseAddress!, into: pre + 2 * units, m: 1, n: units, k: units,
                                          accumulate: true)
                        }
                    }
                    (post + 2 * units).update(from: pre + 2 * units, count: units)
                    activation.apply(post + 2 * units, count: units)
                    for j in 0..<units { state[j] = post[j] * previous[j] + (1 - post[j]) * post[2 * units + j] }
                case .simpleRNN:
                    BLAS.multiply(previous, recurrent, into: pre, m: 1, n: columns, k: units, accumulate: true)
                    post.update(from: pre, count: columns)
                    activation.apply(post, count: units)
                    state.update(from: post, count: units)
                }
            }
        }
    }

    /// Back through time from `∂L/∂output` into `trace.projectionGradient` (∂L/∂(x·kernel), by time index).
    private func backward(trace: RecurrentTrace, mask: UnsafePointer<Float>?, outputGradient: UnsafePointer<Float>) {
        let (units, columns) = (units, columns)
        let dh = trace.stateGradient, dc = trace.cellGradient, dPost = trace.postGradient, dHidden = trace.hidden
        dh.update(repeating: 0, count: units)
        dc.update(repeating: 0, count: units)
        recurrent.withUnsafeBufferPointer { recurrent in
            let recurrent = recurrent.baseAddress!
            for step in stride(from: steps - 1, through: 0, by: -1) {
                if outputsZero(step, mask: mask) {
                    // A constant output: no gradient flows from it.
                } else if recurrence.returnSequences {
                    for j in 0..<units { dh[j] += outputGradient[step * units + j] }
                } else if step == steps - 1 {
                    for j in 0..<units { dh[j] += outputGradient[j] }
                }
                let pre = trace.pre + step * columns
                let post = trace.post + step * columns
                let previous = trace.states + step * units
                let dPre = trace.projectionGradient + time(step) * columns
                dPre.update(repeating: 0, count: columns)
                // A skipped step passes the state's and cell's gradients straight through.
                if skips(step, mask: mask) { continue }
                switch recurrence.cell {
                case .lstm:
                    let cell = trace.cells + (step + 1) * units
                    let previousCell = cell - units
                    let squashed = trace.extra + step * units
                    for j in 0..<units {
                        dPost[3 * units + j] = dh[j] * squashed[j]
                        dHidden[j] = dh[j] * post[3 * units + j]
                    }
                    activation.addGradient(x: cell, y: squashed, g: dHidden, into: dc, count: units)
                    for j in 0..<units {
                        dPost[j] = dc[j] * post[2 * units + j]
                        dPost[units + j] = dc[j] * previousCell[j]
                        dPost[2 * units + j] = dc[j] * post[j]
                        dc[j] *= post[units + j]
                    }
                    gate.addGradient(x: pre, y: post, g: dPost, into: dPre, count: 2 * units)
                    activation.addGradient(x: pre + 2 * units, y: post + 2 * units, g: dPost + 2 * units,
                                           into: dPre + 2 * units, count: units)
                    gate.addGradient(x: pre + 3 * units, y: post + 3 * units, g: dPost + 3 * units,
                                     into: dPre + 3 * units, count: units)
                    BLAS.multiply(dPre, recurrent, into: dh, m: 1, n: units, k: columns, transposeB: true)
                case .gru:
                    let candidateInput = trace.extra + step * units
                    for j in 0..<units {
                        dPost[j] = dh[j] * (previous[j] - post[2 * units + j])
                        dPost[2 * units + j] = dh[j] * (1 - post[j])
                        dh[j] *= post[j]
                    }
                    activation.addGradient(x: pre + 2 * units, y: post + 2 * units, g: dPost + 2 * units,
                                           into: dPre + 2 * units, count: units)
                    if recurrence.resetAfter {
                        for j in 0..<units { dPost[units + j] = dPre[2 * units + j] * candidateInput[j] }
                        gate.addGradient(x: pre, y: post, g: dPost, into: dPre, count: 2 * units)
                        // ∂L/∂(h₋₁·R + b_rec): the z and r blocks as they are, the h block scaled by r.
                        dHidden.update(from: dPre, count: 2 * units)
                        for j in 0..<units { dHidden[2 * units + j] = dPre[2 * units + j] * post[units + j] }
                        BLAS.multiply(dHidden, recurrent, into: dh, m: 1, n: units, k: columns, accumulate: true, transposeB: true)
                    } else {
                        candidate.withUnsafeBufferPointer { candidate in
                            BLAS.multiply(dPre + 2 * units, candidate.baseAddress!, into: dHidden, m: 1, n: units, k: units,
                                          transposeB: true)
                        }
                        for j in 0..<units {
                            dPost[units + j] = dHidden[j] * previous[j]
                            dh[j] += dHidden[j] * post[units + j]
                        }
                        gate.addGradient(x: pre, y: post, g: dPost, into: dPre, count: 2 * units)
                        BLAS.multiply(dPre, recurrent, into: dh, m: 1, n: units, k: 2 * units, accumulate: true, transposeB: true)
                    }
                case .simpleRNN:
                    activation.addGradient(x: pre, y: post, g: dh, into: dPre, count: units)
                    BLAS.multiply(dPre, recurrent, into: dh, m: 1, n: units, k: columns, transposeB: true)
                }
            }
        }
    }
}

/// One sample's scratch: each step's gates before and after their activations, the states, and the gradients of
/// the backward pass. Allocated once per range of samples and reused for each.
private struct RecurrentTrace {
    /// `x · kernel + bias` by time index [steps, columns].
    let projection: UnsafeMutablePointer<Float>
    /// ∂L/∂projection by time index [steps, columns].
    let projectionGradient: UnsafeMutablePointer<Float>
    /// Gate pre-activations and activations by step [steps, columns].
    let pre: UnsafeMutablePointer<Float>
    let post: UnsafeMutablePointer<Float>
    /// h before the first step and after each [steps + 1, units]; LSTM cells likewise.
    let states: UnsafeMutablePointer<Float>
    let cells: UnsafeMutablePointer<Float>
    /// Per step [steps, units]: LSTM act(c); GRU the input of the candidate's recurrent part.
    let extra: UnsafeMutablePointer<Float>
    /// One step's recurrent product or its gradient [columns].
    let hidden: UnsafeMutablePointer<Float>
    let postGradient: UnsafeMutablePointer<Float>
    let stateGradient: UnsafeMutablePointer<Float>
    let cellGradient: UnsafeMutablePointer<Float>

    init(steps: Int, units: Int, columns: Int) {
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> { .allocate(capacity: count) }
        projection = buffer(steps * columns)
        projectionGradient = buffer(steps * columns)
        pre = buffer(steps * columns)
        post = buffer(steps * columns)
        states = buffer((steps + 1) * units)
        cells = buffer((steps + 1) * units)
        extra = buffer(steps * units)
        hidden = buffer(columns)
        postGradient = buffer(columns)
        stateGradient = buffer(units)
        cellGradient = buffer(units)
    }

    func release() {
        for pointer in [projection, projectionGradient, pre, post, states, cells, extra, hidden, postGradient,
                        stateGradient, cellGradient] {
            pointer.deallocate()
        }
    }
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
