import KerasLensGraph

/// Keras's Bidirectional: a recurrent layer run forwards and, with its own weights, backwards; the backward run's
/// sequence output is put back in time order, then the two are merged.
struct BidirectionalKernel: TracingKernel {
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
        let directions = BidirectionalTrace(count: batch * rows * units)
        forwardRun.forward(inputs, directions.forward, batch: batch)
        backwardRun.forward(inputs, directions.backward, batch: batch)
        reverseTime(directions.backward, batch: batch)
        merge(directions, into: output, batch: batch)
    }

    /// The forward pass, keeping both directions' outputs and traces for `backward(…, trace:)`.
    func forwardKeepingTrace(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) -> AnyObject? {
        let directions = BidirectionalTrace(count: batch * rows * units)
        directions.forwardTrace = forwardRun.forwardKeepingTrace(inputs, directions.forward, batch: batch)
        directions.backwardTrace = backwardRun.forwardKeepingTrace(inputs, directions.backward, batch: batch)
        reverseTime(directions.backward, batch: batch)
        merge(directions, into: output, batch: batch)
        return directions
    }

    private func merge(_ directions: BidirectionalTrace, into output: UnsafeMutablePointer<Float>, batch: Int) {
        for row in 0..<(batch * rows) {
            let out = output + row * (merge == .concat ? 2 * units : units)
            let (f, b) = (directions.forward + row * units, directions.backward + row * units)
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

    /// Splits `∂L/∂output` between the directions and walks each back, from the directions' outputs and traces the
    /// forward pass kept, or (without them) from both directions run again.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?) {
        guard inputGradients[0] != nil else { return }
        let count = batch * rows * units
        let directions: BidirectionalTrace
        if let kept = trace as? BidirectionalTrace, kept.count == count {
            directions = kept
        } else {
            directions = BidirectionalTrace(count: count)
            forwardRun.forward(inputs, directions.forward, batch: batch)
            backwardRun.forward(inputs, directions.backward, batch: batch)
            reverseTime(directions.backward, batch: batch)
        }
        let gf = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let gb = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { gf.deallocate(); gb.deallocate() }
        for row in 0..<(batch * rows) {
            let g = outputGradient + row * (merge == .concat ? 2 * units : units)
            let (f, b) = (directions.forward + row * units, directions.backward + row * units)
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
        forwardRun.backward(inputs, directions.forward, gf, inputGradients, batch: batch, trace: directions.forwardTrace)
        backwardRun.backward(inputs, directions.backward, gb, inputGradients, batch: batch, trace: directions.backwardTrace)
    }

    private func reverseTime(_ values: UnsafeMutablePointer<Float>, batch: Int) {
        reverseRows(values, batch: batch, rows: rows, units: units)
    }
}

/// The backward half of a Bidirectional lowered to a node of its own (`Recurrence.flipsSequence`): a recurrence whose
/// sequence output is flipped on the time axis (back in time order when it reads backwards).
struct FlippedRecurrentKernel: TracingKernel {
    let run: RecurrentKernel
    let steps: Int
    let units: Int

    init(node: Node, recurrence: Recurrence, shapes: KernelShapes, differentiable: Bool) {
        run = RecurrentKernel(node: node, recurrence: recurrence, shapes: shapes, differentiable: differentiable)
        steps = shapes.input[0]
        units = recurrence.units
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        run.forward(inputs, output, batch: batch)
        reverseRows(output, batch: batch, rows: steps, units: units)
    }

    func forwardKeepingTrace(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) -> AnyObject? {
        let trace = run.forwardKeepingTrace(inputs, output, batch: batch)
        reverseRows(output, batch: batch, rows: steps, units: units)
        return trace
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?) {
        guard inputGradients[0] != nil else { return }
        let count = batch * steps * units
        let readOrder = UnsafeMutablePointer<Float>.allocate(capacity: 2 * count)
        defer { readOrder.deallocate() }
        // The run's own output and gradient are in the order it read the steps.
        readOrder.update(from: output, count: count)
        (readOrder + count).update(from: outputGradient, count: count)
        reverseRows(readOrder, batch: batch, rows: steps, units: units)
        reverseRows(readOrder + count, batch: batch, rows: steps, units: units)
        run.backward(inputs, readOrder, readOrder + count, inputGradients, batch: batch, trace: trace)
    }
}

/// Reverses the `rows` rows of `units` values of each sample in place (nothing to do for a single row).
private func reverseRows(_ values: UnsafeMutablePointer<Float>, batch: Int, rows: Int, units: Int) {
    guard rows > 1 else { return }
    for sample in 0..<batch {
        let sequence = values + sample * rows * units
        for row in 0..<(rows / 2) {
            let (a, b) = (sequence + row * units, sequence + (rows - 1 - row) * units)
            for j in 0..<units { swap(&a[j], &b[j]) }
        }
    }
}

/// Both directions' outputs over a batch (the backward one in time order), and, kept by the forward pass for the
/// backward pass, each direction's trace.
final class BidirectionalTrace: @unchecked Sendable {
    let count: Int
    let forward: UnsafeMutablePointer<Float>
    let backward: UnsafeMutablePointer<Float>
    var forwardTrace: AnyObject?
    var backwardTrace: AnyObject?

    init(count: Int) {
        self.count = count
        forward = .allocate(capacity: max(count, 1))
        backward = .allocate(capacity: max(count, 1))
    }

    deinit {
        forward.deallocate()
        backward.deallocate()
    }
}
