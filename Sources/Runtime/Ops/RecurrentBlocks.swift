import KerasLensGraph

/// A recurrent layer's weights for stepping a block of samples together: the products `x · kernel` (every step of
/// every sample at once) and `h · recurrent_kernel` (one step of every sample) run through the direct kernel's 1×1
/// form, which sums each row in one fixed order whatever the number of rows, so a sample's result does not depend on
/// the block it is in. One row per sample per step is a matrix–vector product bound by latency; a block of rows keeps
/// the vector units busy (profiled: an LSTM(128) spent 40 % of its time in one-row sgemm calls).
struct RecurrentBlockWeights: Sendable {
    let isa: VectorISA
    /// `kernel` packed for the direct kernel [features → columns].
    let kernel: [Float]
    /// `recurrent_kernel` packed [units → columns] (a GRU without `resetAfter`: its z and r blocks, [units → 2·units]).
    let recurrent: [Float]
    let recurrentWidth: Int
    /// A GRU without `resetAfter`: the h block of `recurrent_kernel`, packed [units → units].
    let candidate: [Float]

    init(isa: VectorISA, kernel: [Float], recurrent: [Float], candidate: [Float], features: Int, units: Int, columns: Int) {
        self.isa = isa
        self.kernel = isa.packed(rows: features, width: columns) { _, row, column in kernel[row * columns + column] }.values
        recurrentWidth = candidate.isEmpty ? columns : 2 * units
        let width = recurrentWidth
        self.recurrent = isa.packed(rows: units, width: width) { _, row, column in recurrent[row * width + column] }.values
        self.candidate = candidate.isEmpty ? []
            : isa.packed(rows: units, width: units) { _, row, column in candidate[row * units + column] }.values
    }

    /// `output[r] = bias + input[r] · weights` for `rows` rows (bias nil: from zero).
    func multiply(_ input: UnsafePointer<Float>, _ weights: [Float], bias: [Float]?, into output: UnsafeMutablePointer<Float>,
                  rows: Int, inner: Int, width: Int) {
        let tap: Int32 = 0
        withUnsafePointer(to: tap) { tap in
            weights.withUnsafeBufferPointer { weights in
                withOptionalPointer(bias) { bias in
                    isa.convRun(input, tap, 1, Int32(inner), Int32(inner), weights.baseAddress!, bias, Int32(width), output,
                                Int32(rows), 0)
                }
            }
        }
    }
}

extension RecurrentKernel {
    /// Samples per block: enough rows for the direct kernel's register blocks, little enough scratch to stay in cache.
    static let blockSamples = 32

    /// The inference pass, blocks of samples stepping through time together (see `RecurrentBlockWeights`); `mask`:
    /// each sample's [time] mask, whose masked steps keep the state (and output it, or zeros).
    func forwardInBlocks(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, _ output: UnsafeMutablePointer<Float>,
                         batch: Int, weights: RecurrentBlockWeights) {
        let outputCount = recurrence.returnSequences ? steps * units : units
        Parallel.forEachRange(batch, cost: steps * columns * (features + units)) { samples in
            let scratch = BlockScratch(samples: Self.blockSamples, steps: steps, units: units, columns: columns)
            defer { scratch.release() }
            for start in stride(from: samples.lowerBound, to: samples.upperBound, by: Self.blockSamples) {
                let count = min(Self.blockSamples, samples.upperBound - start)
                runBlock(x + start * steps * features, mask: mask.map { $0 + start * steps }, count: count,
                         output: output + start * outputCount, weights: weights, scratch: scratch)
            }
        }
    }

    private func runBlock(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, count: Int, output: UnsafeMutablePointer<Float>,
                          weights: RecurrentBlockWeights, scratch: BlockScratch) {
        let (units, columns, steps) = (units, columns, steps)
        // Row s·steps + t: sample s's input part at time index t, bias added.
        weights.multiply(x, weights.kernel, bias: inputBias, into: scratch.projection, rows: count * steps,
                         inner: features, width: columns)
        scratch.states.update(repeating: 0, count: count * units)
        scratch.cells.update(repeating: 0, count: count * units)
        let hidden = scratch.hidden, gates = scratch.gates
        for step in 0..<steps {
            let t = time(step)
            weights.multiply(scratch.states, weights.recurrent, bias: recurrence.resetAfter ? recurrentBias : nil,
                             into: hidden, rows: count, inner: units, width: weights.recurrentWidth)
            for sample in 0..<count {
                let pre = gates + sample * columns
                let projection = scratch.projection + (sample * steps + t) * columns
                let product = hidden + sample * weights.recurrentWidth
                let state = scratch.states + sample * units
                let sampleMask = mask.map { $0 + sample * steps }
                if skips(step, mask: sampleMask) {
                    if recurrence.returnSequences {
                        let row = output + (sample * steps + step) * units
                        if outputsZero(step, mask: sampleMask) { row.update(repeating: 0, count: units) } else { row.update(from: state, count: units) }
                    }
                    continue
                }
                switch recurrence.cell {
                case .lstm:
                    for j in 0..<columns { pre[j] = projection[j] + product[j] }
                    gate.apply(pre, count: 2 * units)
                    activation.apply(pre + 2 * units, count: units)
                    gate.apply(pre + 3 * units, count: units)
                    let cell = scratch.cells + sample * units, squashed = scratch.extra + sample * units
                    for j in 0..<units { cell[j] = pre[units + j] * cell[j] + pre[j] * pre[2 * units + j] }
                    squashed.update(from: cell, count: units)
                    activation.apply(squashed, count: units)
                    for j in 0..<units { state[j] = pre[3 * units + j] * squashed[j] }
                case .gru:
                    for j in 0..<(2 * units) { pre[j] = projection[j] + product[j] }
                    gate.apply(pre, count: 2 * units)
                    let candidate = pre + 2 * units
                    if recurrence.resetAfter {
                        for j in 0..<units { candidate[j] = projection[2 * units + j] + pre[units + j] * product[2 * units + j] }
                    } else {
                        // (r ⊙ h₋₁) · R_h, one row at a time (only this sample's reset gate is known here).
                        let reset = scratch.extra + sample * units
                        for j in 0..<units { reset[j] = pre[units + j] * state[j] }
                        weights.multiply(reset, weights.candidate, bias: nil, into: candidate, rows: 1, inner: units, width: units)
                        for j in 0..<units { candidate[j] += projection[2 * units + j] }
                    }
                    activation.apply(candidate, count: units)
                    for j in 0..<units { state[j] = pre[j] * state[j] + (1 - pre[j]) * candidate[j] }
                case .simpleRNN:
                    for j in 0..<units { pre[j] = projection[j] + product[j] }
                    activation.apply(pre, count: units)
                    state.update(from: pre, count: units)
                }
                if recurrence.returnSequences {
                    (output + (sample * steps + step) * units).update(from: state, count: units)
                }
            }
        }
        if !recurrence.returnSequences {
            output.update(from: scratch.states, count: count * units)
            for sample in 0..<count where outputsZero(steps - 1, mask: mask.map { $0 + sample * steps }) {
                (output + sample * units).update(repeating: 0, count: units)
            }
        }
    }
}

/// One block's scratch, allocated once per range of samples.
private struct BlockScratch {
    /// `x · kernel + bias` [samples · steps, columns].
    let projection: UnsafeMutablePointer<Float>
    /// One step's `h · recurrent_kernel` [samples, columns] and gates [samples, columns].
    let hidden: UnsafeMutablePointer<Float>
    let gates: UnsafeMutablePointer<Float>
    /// States, LSTM cells, and per sample one more row of units (LSTM act(c), GRU r ⊙ h₋₁) [samples, units].
    let states: UnsafeMutablePointer<Float>
    let cells: UnsafeMutablePointer<Float>
    let extra: UnsafeMutablePointer<Float>

    init(samples: Int, steps: Int, units: Int, columns: Int) {
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> { .allocate(capacity: count) }
        projection = buffer(samples * steps * columns)
        hidden = buffer(samples * columns)
        gates = buffer(samples * columns)
        states = buffer(samples * units)
        cells = buffer(samples * units)
        extra = buffer(samples * units)
    }

    func release() {
        for pointer in [projection, hidden, gates, states, cells, extra] { pointer.deallocate() }
    }
}
