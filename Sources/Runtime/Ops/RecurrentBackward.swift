import KerasLensGraph

/// Backward through time for a block of samples whose forward pass `run` has just replayed into a traced scratch.
extension RecurrentKernel {
    /// Adds `∂L/∂x` of `count` samples to `inputGradient`, given `∂L/∂output`. Each step first works out every row's
    /// gate gradients (∂L/∂(x·kernel), kept by time index in `scratch.projection`, which the forward pass no longer
    /// needs), then `∂L/∂h₋₁ = ∂L/∂gates · recurrent_kernelᵀ` as one product over the rows; `∂L/∂x` is one product
    /// over every step per sample at the end. A masked step passes the state's and cell's gradients straight
    /// through. Only inputs are differentiated: no explainer asks for a weight's gradient.
    func backThroughTime(mask: UnsafePointer<Float>?, count: Int, scratch: RecurrentScratch, transposed: RecurrentTransposes,
                         outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>) {
        let (units, columns, steps) = (units, columns, steps)
        let gates = scratch.projection
        let dh = scratch.stateGradient!, dc = scratch.cellGradient!, dPosts = scratch.postGradient!
        let dHiddens = scratch.hiddenGradient!, dProduct = scratch.rowProduct
        dh.update(repeating: 0, count: count * units)
        dc.update(repeating: 0, count: count * units)
        for step in stride(from: steps - 1, through: 0, by: -1) {
            let t = time(step)
            let buffers = scratch.step(step)
            /// Row r's gate gradients at this step (`rowStride` apart from one row to the next).
            let gatesAtStep = gates + t * columns, rowStride = steps * columns
            for row in 0..<count {
                let dh = dh + row * units
                if outputsZero(step, row: row, mask: mask) {
                    // A constant output: no gradient flows from it.
                } else if recurrence.returnSequences {
                    let g = outputGradient + (row * steps + step) * units
                    for j in 0..<units { dh[j] += g[j] }
                } else if step == steps - 1 {
                    let g = outputGradient + row * units
                    for j in 0..<units { dh[j] += g[j] }
                }
                let dPre = gatesAtStep + row * rowStride
                dPre.update(repeating: 0, count: columns)
                if skips(step, row: row, mask: mask) {
                    if recurrence.cell == .gru, recurrence.resetAfter { (dHiddens + row * columns).update(repeating: 0, count: columns) }
                    continue
                }
                let pre = buffers.pre + row * columns, post = buffers.post + row * columns
                let previous = buffers.previous + row * units, extra = buffers.extra + row * units
                let dPost = dPosts + row * columns, dHidden = dHiddens + row * columns
                switch recurrence.cell {
                case .lstm:
                    let dc = dc + row * units
                    let cell = buffers.cell + row * units, previousCell = buffers.previousCell + row * units
                    // Gate blocks i, f, c, o and their gradients; one output per loop, so that each vectorises.
                    let (i, f, c, o) = (post, post + units, post + 2 * units, post + 3 * units)
                    let (dI, dF, dC, dO) = (dPost, dPost + units, dPost + 2 * units, dPost + 3 * units)
                    for j in 0..<units { dO[j] = dh[j] * extra[j] }
                    for j in 0..<units { dHidden[j] = dh[j] * o[j] }
                    activation.addGradient(x: cell, y: extra, g: dHidden, into: dc, count: units)
                    for j in 0..<units { dI[j] = dc[j] * c[j] }
                    for j in 0..<units { dF[j] = dc[j] * previousCell[j] }
                    for j in 0..<units { dC[j] = dc[j] * i[j] }
                    for j in 0..<units { dc[j] *= f[j] }
                    gate.addGradient(x: pre, y: post, g: dPost, into: dPre, count: 2 * units)
                    activation.addGradient(x: pre + 2 * units, y: post + 2 * units, g: dPost + 2 * units,
                                           into: dPre + 2 * units, count: units)
                    gate.addGradient(x: pre + 3 * units, y: post + 3 * units, g: dPost + 3 * units,
                                     into: dPre + 3 * units, count: units)
                case .gru:
                    let (z, candidate, dZ, dCandidate) = (post, post + 2 * units, dPost, dPost + 2 * units)
                    for j in 0..<units { dZ[j] = dh[j] * (previous[j] - candidate[j]) }
                    for j in 0..<units { dCandidate[j] = dh[j] * (1 - z[j]) }
                    for j in 0..<units { dh[j] *= z[j] }
                    activation.addGradient(x: pre + 2 * units, y: post + 2 * units, g: dPost + 2 * units,
                                           into: dPre + 2 * units, count: units)
                    if recurrence.resetAfter {
                        let (dReset, dPreCandidate) = (dPost + units, dPre + 2 * units)
                        for j in 0..<units { dReset[j] = dPreCandidate[j] * extra[j] }
                        gate.addGradient(x: pre, y: post, g: dPost, into: dPre, count: 2 * units)
                        // ∂L/∂(h₋₁·R + b_rec): the z and r blocks as they are, the h block scaled by r.
                        dHidden.update(from: dPre, count: 2 * units)
                        let (dHiddenCandidate, reset) = (dHidden + 2 * units, post + units)
                        for j in 0..<units { dHiddenCandidate[j] = dPreCandidate[j] * reset[j] }
                    }
                case .simpleRNN:
                    activation.addGradient(x: pre, y: post, g: dh, into: dPre, count: units)
                }
            }
            switch recurrence.cell {
            case .lstm, .simpleRNN:
                transposed.recurrent.multiply(gatesAtStep, rowStride: rowStride, into: dProduct, rows: count)
                for row in 0..<count where !skips(step, row: row, mask: mask) {
                    (dh + row * units).update(from: dProduct + row * units, count: units)
                }
            case .gru where recurrence.resetAfter:
                transposed.recurrent.multiply(dHiddens, rowStride: columns, into: dProduct, rows: count)
                addRows(dProduct, into: dh, count: count, step: step, mask: mask)
            case .gru:
                // ∂L/∂(r ⊙ h₋₁) = ∂L/∂h̃_pre · R_hᵀ, into the reset gate and h₋₁; then the z and r blocks' · R_zrᵀ.
                transposed.candidate!.multiply(gatesAtStep + 2 * units, rowStride: rowStride, into: dProduct, rows: count)
                for row in 0..<count where !skips(step, row: row, mask: mask) {
                    let pre = buffers.pre + row * columns, post = buffers.post + row * columns
                    let previous = buffers.previous + row * units, dPost = dPosts + row * columns
                    let dProduct = dProduct + row * units, dh = dh + row * units
                    let (reset, dReset) = (post + units, dPost + units)
                    for j in 0..<units { dReset[j] = dProduct[j] * previous[j] }
                    for j in 0..<units { dh[j] += dProduct[j] * reset[j] }
                    gate.addGradient(x: pre, y: post, g: dPost, into: gatesAtStep + row * rowStride, count: 2 * units)
                }
                transposed.recurrent.multiply(gatesAtStep, rowStride: rowStride, into: dProduct, rows: count)
                addRows(dProduct, into: dh, count: count, step: step, mask: mask)
            }
        }
        // One product per sample, the same call whatever the batch.
        transposed.kernel.withUnsafeBufferPointer { kernel in
            for row in 0..<count {
                BLAS.multiply(gates + row * steps * columns, kernel.baseAddress!, into: inputGradient + row * steps * features,
                              m: steps, n: features, k: columns, accumulate: true, transposeB: true)
            }
        }
    }

    /// `dh[r] += product[r]` for the rows not masked out at `step`.
    private func addRows(_ product: UnsafePointer<Float>, into dh: UnsafeMutablePointer<Float>, count: Int, step: Int,
                         mask: UnsafePointer<Float>?) {
        for row in 0..<count where !skips(step, row: row, mask: mask) {
            let (source, target) = (product + row * units, dh + row * units)
            for j in 0..<units { target[j] += source[j] }
        }
    }
}
