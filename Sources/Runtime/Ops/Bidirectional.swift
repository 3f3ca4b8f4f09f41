import KerasLensGraph

/// Keras's Bidirectional: a recurrent layer run forwards and, with its own weights, backwards; the backward run's
/// sequence output is put back in time order, then the two are merged.
struct BidirectionalKernel: Kernel {
    let forwardRun: RecurrentKernel
    let backwardRun: RecurrentKernel
    let merge: RecurrentMerge
    let steps: Int
    let units: Int
    /// Rows of `units` per sample in each direction's output: `steps` for sequences, else 1.
    let rows: Int

    init(node: Node, recurrence: Recurrence, shapes: KernelShapes, differentiable: Bool) {
        forwardRun = RecurrentKernel(node: node, recurrence: recurrence, shapes: shapes, differentiable: differentiable)
        backwardRun = RecurrentKernel(node: node, recurrence: recurrence, backward: true, shapes: shapes,
                                      differentiable: differentiable)
        merge = recurrence.merge!
        steps = shapes.input[0]
        units = recurrence.units
        rows = recurrence.returnSequences ? steps : 1
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        withDirections(inputs, batch: batch) { forward, backward in
            for row in 0..<(batch * rows) {
                let out = output + row * (merge == .concat ? 2 * units : units)
                let (f, b) = (forward + row * units, backward + row * units)
                switch merge {
                case .concat:
                    out.update(from: f, count: units)
                    (out + units).update(from: b, count: units)
                case .sum: for j in 0..<units { out[j] = f[j] + b[j] }
                case .mul: for j in 0..<units { out[j] = f[j] * b[j] }
                case .ave: for j in 0..<units { out[j] = (f[j] + b[j]) / 2 }
                }
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard inputGradients[0] != nil else { return }
        let count = batch * rows * units
        withDirections(inputs, batch: batch) { forward, backward in
            let gf = UnsafeMutablePointer<Float>.allocate(capacity: count)
            let gb = UnsafeMutablePointer<Float>.allocate(capacity: count)
            defer { gf.deallocate(); gb.deallocate() }
            for row in 0..<(batch * rows) {
                let g = outputGradient + row * (merge == .concat ? 2 * units : units)
                let (f, b) = (forward + row * units, backward + row * units)
                let (df, db) = (gf + row * units, gb + row * units)
                for j in 0..<units {
                    switch merge {
                    case .concat: (df[j], db[j]) = (g[j], g[units + j])
                    case .sum: (df[j], db[j]) = (g[j], g[j])
                    case .mul: (df[j], db[j]) = (g[j] * b[j], g[j] * f[j])
                    case .ave: (df[j], db[j]) = (g[j] / 2, g[j] / 2)
                    }
                }
            }
            reverseTime(gb, batch: batch)
            forwardRun.backward(inputs, forward, gf, inputGradients, batch: batch)
            backwardRun.backward(inputs, backward, gb, inputGradients, batch: batch)
        }
    }

    /// Runs both directions into scratch outputs (the backward one in time order) and hands them to `body`.
    private func withDirections(_ inputs: [UnsafePointer<Float>], batch: Int,
                                _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        let count = batch * rows * units
        let forward = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let backward = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { forward.deallocate(); backward.deallocate() }
        forwardRun.forward(inputs, forward, batch: batch)
        backwardRun.forward(inputs, backward, batch: batch)
        reverseTime(backward, batch: batch)
        body(forward, backward)
    }

    /// Reverses the rows of each sample's sequence in place (nothing to do for last states).
    private func reverseTime(_ values: UnsafeMutablePointer<Float>, batch: Int) {
        guard rows > 1 else { return }
        for sample in 0..<batch {
            let sequence = values + sample * rows * units
            for row in 0..<(rows / 2) {
                let (a, b) = (sequence + row * units, sequence + (rows - 1 - row) * units)
                for j in 0..<units { swap(&a[j], &b[j]) }
            }
        }
    }
}
