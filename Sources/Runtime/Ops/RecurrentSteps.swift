import KerasLensGraph

/// The forward pass of a block of samples, written once for the inference pass, a gradient call's forward pass (which
/// keeps the trace) and the backward pass's replay (when no trace was kept).
extension RecurrentKernel {
    /// Steps `count` samples (`x`: their [time, features] sequences, `mask`: their [time] masks) through time
    /// together. With `output`, writes each sample's output there; with a traced `scratch`, keeps every step's gates
    /// and states for `backThroughTime`.
    func run(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, count: Int, scratch: RecurrentScratch,
             output: UnsafeMutablePointer<Float>?) {
        // Row s·steps + t: sample s's input part at time index t, bias added.
        kernel.multiply(x, rowStride: features, bias: inputBias, into: scratch.projection, rows: count * steps)
        let first = scratch.step(0)
        first.previous.update(repeating: 0, count: count * units)
        first.previousCell.update(repeating: 0, count: count * units)
        for step in 0..<steps {
            let buffers = scratch.step(step)
            cellStep(step, count: count, mask: mask, projection: scratch.projection, buffers: buffers, scratch: scratch)
            guard let output, recurrence.returnSequences else { continue }
            for row in 0..<count {
                let out = output + (row * steps + step) * units
                if outputsZero(step, row: row, mask: mask) {
                    out.update(repeating: 0, count: units)
                } else {
                    out.update(from: buffers.state + row * units, count: units)
                }
            }
        }
        guard let output, !recurrence.returnSequences else { return }
        output.update(from: scratch.step(steps - 1).state, count: count * units)
        for row in 0..<count where outputsZero(steps - 1, row: row, mask: mask) {
            (output + row * units).update(repeating: 0, count: units)
        }
    }

    /// One step of the cell for `count` rows: `h₋₁ · recurrent_kernel` as one product, then each row's gates and
    /// state. A masked row keeps its state (and LSTM cell). `buffers.state` may be `buffers.previous` (and `post`
    /// `pre`): each value is read before it is overwritten.
    private func cellStep(_ step: Int, count: Int, mask: UnsafePointer<Float>?, projection: UnsafePointer<Float>,
                          buffers: RecurrentStepBuffers, scratch: RecurrentScratch) {
        let (units, columns, t) = (units, columns, time(step))
        let width = recurrent.width
        let hidden = scratch.hidden
        recurrent.multiply(buffers.previous, rowStride: units, bias: recurrentBias, into: hidden, rows: count)
        for row in 0..<count {
            let previous = buffers.previous + row * units, state = buffers.state + row * units
            let extra = buffers.extra + row * units
            if skips(step, row: row, mask: mask) {
                if state != previous { state.update(from: previous, count: units) }
                if recurrence.cell == .lstm, buffers.cell != buffers.previousCell {
                    (buffers.cell + row * units).update(from: buffers.previousCell + row * units, count: units)
                }
                // The candidate's product below reads every row.
                if recurrence.cell == .gru, !recurrence.resetAfter { extra.update(repeating: 0, count: units) }
                continue
            }
            let pre = buffers.pre + row * columns, post = buffers.post + row * columns
            let input = projection + (row * steps + t) * columns
            let product = hidden + row * width
            switch recurrence.cell {
            case .lstm:
                for j in 0..<columns { pre[j] = input[j] + product[j] }
                if post != pre { post.update(from: pre, count: columns) }
                gate.apply(post, count: 2 * units)
                activation.apply(post + 2 * units, count: units)
                gate.apply(post + 3 * units, count: units)
                let cell = buffers.cell + row * units, previousCell = buffers.previousCell + row * units
                let (i, f, c, o) = (post, post + units, post + 2 * units, post + 3 * units)
                for j in 0..<units { cell[j] = f[j] * previousCell[j] + i[j] * c[j] }
                // extra = act(c), which the output gate scales.
                extra.update(from: cell, count: units)
                activation.apply(extra, count: units)
                for j in 0..<units { state[j] = o[j] * extra[j] }
            case .gru:
                for j in 0..<(2 * units) { pre[j] = input[j] + product[j] }
                if post != pre { post.update(from: pre, count: 2 * units) }
                gate.apply(post, count: 2 * units)
                if recurrence.resetAfter {
                    // extra = h₋₁·R_h + b_rec,h, which the reset gate scales.
                    extra.update(from: product + 2 * units, count: units)
                    let (candidate, candidateInput, reset) = (pre + 2 * units, input + 2 * units, post + units)
                    for j in 0..<units { candidate[j] = candidateInput[j] + reset[j] * extra[j] }
                } else {
                    // extra = r ⊙ h₋₁, which R_h multiplies (below, for every row at once).
                    let reset = post + units
                    for j in 0..<units { extra[j] = reset[j] * previous[j] }
                }
            case .simpleRNN:
                for j in 0..<units { pre[j] = input[j] + product[j] }
                if post != pre { post.update(from: pre, count: units) }
                activation.apply(post, count: units)
                state.update(from: post, count: units)
            }
        }
        guard recurrence.cell == .gru else { return }
        let candidateProduct = scratch.rowProduct
        if let candidate { candidate.multiply(buffers.extra, rowStride: units, into: candidateProduct, rows: count) }
        for row in 0..<count where !skips(step, row: row, mask: mask) {
            let pre = buffers.pre + row * columns + 2 * units, post = buffers.post + row * columns
            let previous = buffers.previous + row * units, state = buffers.state + row * units
            if candidate != nil {
                let input = projection + (row * steps + t) * columns + 2 * units
                let product = candidateProduct + row * units
                for j in 0..<units { pre[j] = input[j] + product[j] }
            }
            let squashed = post + 2 * units
            if squashed != pre { squashed.update(from: pre, count: units) }
            activation.apply(squashed, count: units)
            for j in 0..<units { state[j] = post[j] * previous[j] + (1 - post[j]) * squashed[j] }
        }
    }
}

/// Where one step reads and writes, for the rows of a block (row r at r·units or r·columns).
struct RecurrentStepBuffers {
    /// h₋₁ and h [rows, units]; LSTM cells likewise.
    let previous: UnsafeMutablePointer<Float>
    let state: UnsafeMutablePointer<Float>
    let previousCell: UnsafeMutablePointer<Float>
    let cell: UnsafeMutablePointer<Float>
    /// Gates before and after their activations [rows, columns].
    let pre: UnsafeMutablePointer<Float>
    let post: UnsafeMutablePointer<Float>
    /// Per row, one more vector of units: LSTM act(c); GRU the input of the candidate's recurrent part.
    let extra: UnsafeMutablePointer<Float>
}

/// A block's scratch, carved from one buffer of the kernel's pools (an untraced one reused block after block).
/// Untraced (the inference pass), every step reads and writes the same buffers, states updated in place; traced (a
/// gradient call), each step has its own, for `backThroughTime` to read, and the gradients' buffers are there too.
struct RecurrentScratch {
    /// Samples per block at most.
    let capacity: Int
    let traced: Bool
    let units: Int
    let columns: Int
    /// `x · kernel + bias` [samples · steps, columns]; in the backward pass, its gradient.
    let projection: UnsafeMutablePointer<Float>
    /// One step's `h₋₁ · recurrent_kernel` [samples, columns].
    let hidden: UnsafeMutablePointer<Float>
    /// One step's product of units per row [samples, units]: the GRU candidate's, or the gradients' `· Rᵀ`.
    let rowProduct: UnsafeMutablePointer<Float>
    /// Gates before and after activation (`post` is `pre` untraced) [steps or 1, samples, columns].
    let pre: UnsafeMutablePointer<Float>
    let post: UnsafeMutablePointer<Float>
    /// States and LSTM cells [steps + 1 or 1, samples, units]; extra [steps or 1, samples, units].
    let states: UnsafeMutablePointer<Float>
    let cells: UnsafeMutablePointer<Float>
    let extra: UnsafeMutablePointer<Float>
    /// Traced only (else nil): the gradients with respect to the state and cell [samples, units], each row's gate
    /// gradients [samples, columns] and the GRU's recurrent products' gradient [samples, columns].
    let stateGradient: UnsafeMutablePointer<Float>?
    let cellGradient: UnsafeMutablePointer<Float>?
    let postGradient: UnsafeMutablePointer<Float>?
    let hiddenGradient: UnsafeMutablePointer<Float>?
    private let memory: (pointer: UnsafeMutablePointer<Float>, capacity: Int)

    /// The sizes of the buffers `init` carves, in order.
    private static func sizes(_ kernel: RecurrentKernel, samples: Int, traced: Bool) -> [Int] {
        let (units, columns, steps) = (kernel.units, kernel.columns, kernel.steps)
        let stepped = traced ? steps : 1
        var sizes = [samples * steps * columns, samples * columns, samples * units, stepped * samples * columns,
                     traced ? steps * samples * columns : 0, (stepped + (traced ? 1 : 0)) * samples * units,
                     (stepped + (traced ? 1 : 0)) * samples * units, stepped * samples * units]
        if traced {
            sizes += [samples * units, samples * units, samples * columns, samples * columns]
        }
        return sizes
    }

    /// Floats of the scratch of a block of `samples`.
    static func floats(_ kernel: RecurrentKernel, samples: Int, traced: Bool) -> Int {
        sizes(kernel, samples: samples, traced: traced).reduce(0, +)
    }

    init(_ kernel: RecurrentKernel, samples: Int, traced: Bool, pool: BufferPool) {
        let sizes = Self.sizes(kernel, samples: samples, traced: traced)
        let (units, columns) = (kernel.units, kernel.columns)
        memory = pool.take(sizes.reduce(0, +))
        var next = memory.pointer
        func carve(_ index: Int) -> UnsafeMutablePointer<Float> {
            defer { next += sizes[index] }
            return next
        }
        capacity = samples
        self.traced = traced
        self.units = units
        self.columns = columns
        projection = carve(0)
        hidden = carve(1)
        rowProduct = carve(2)
        pre = carve(3)
        post = traced ? carve(4) : pre
        states = carve(5)
        cells = carve(6)
        extra = carve(7)
        stateGradient = traced ? carve(8) : nil
        cellGradient = traced ? carve(9) : nil
        postGradient = traced ? carve(10) : nil
        hiddenGradient = traced ? carve(11) : nil
    }

    /// The buffers of the k-th step.
    func step(_ step: Int) -> RecurrentStepBuffers {
        guard traced else {
            return RecurrentStepBuffers(previous: states, state: states, previousCell: cells, cell: cells, pre: pre, post: post,
                                        extra: extra)
        }
        let (units, columns) = (capacity * units, capacity * columns)
        return RecurrentStepBuffers(previous: states + step * units, state: states + (step + 1) * units,
                                    previousCell: cells + step * units, cell: cells + (step + 1) * units,
                                    pre: pre + step * columns, post: post + step * columns, extra: extra + step * units)
    }

    func release(to pool: BufferPool) {
        pool.give(memory)
    }
}
