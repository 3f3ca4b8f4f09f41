import KerasLensGraph

/// Element-wise combination of inputs that broadcast to the output's shape (Keras's merge layers). Inputs of the
/// output's shape take a flat loop; the others are read row by row through `BroadcastRows`, and their gradients are
/// summed back over the positions they were repeated to.
struct MergeKernel: Kernel {
    let kind: MergeKind
    /// Per-sample output element count and last-axis length.
    let count: Int
    let width: Int
    let reads: [BroadcastRows]
    /// Whether every input has the output's shape.
    let sameShapes: Bool

    init(kind: MergeKind, shapes: KernelShapes) {
        self.kind = kind
        count = shapes.outputCount
        width = shapes.output.last ?? 1
        reads = shapes.inputs.map { BroadcastRows(input: $0, output: shapes.output) }
        sameShapes = shapes.inputs.allSatisfy { $0 == shapes.output }
    }

    private var rows: Int { count / width }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        if sameShapes {
            combineFlat(inputs, output, total: batch * count)
        } else {
            // Output rows in parallel, each combined with every input in input order (EfficientNet's
            // squeeze-and-excitation scales every position of a 112×112 layer by its channels' gates).
            let rows = rows
            // Two rows in one pass, without first copying one (a squeeze-and-excitation's scaling).
            let paired = reads.count > 1 && reads[0].step == 1 && reads[1].step == 1 ? 2 : 0
            Parallel.forEachRange(batch * rows, cost: width * reads.count) { items in
                for item in items {
                    let sample = item / rows, result = output + sample * count + item % rows * width
                    func row(_ index: Int) -> UnsafePointer<Float> { inputs[index] + sample * reads[index].count + reads[index].rowStarts[item % rows] }
                    if paired == 2 { combinePair(result, row(0), row(1), count: width) }
                    for index in paired..<reads.count {
                        combine(into: result, row(index), step: reads[index].step, first: index == 0)
                    }
                }
            }
        }
        if kind == .average {
            let scale = 1 / Float(reads.count)
            for i in 0..<(batch * count) { output[i] *= scale }
        }
    }

    /// Ranges of the flat arrays in parallel, each written in one pass over the first two inputs: every element is
    /// combined in input order, as a single loop would.
    private func combineFlat(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, total: Int) {
        Parallel.forEachRange(total, cost: inputs.count) { range in
            let out = output + range.lowerBound, n = range.count
            guard inputs.count > 1 else { return out.update(from: inputs[0] + range.lowerBound, count: n) }
            combinePair(out, inputs[0] + range.lowerBound, inputs[1] + range.lowerBound, count: n)
            for other in inputs.dropFirst(2) { combinePair(out, out, other + range.lowerBound, count: n) }
        }
    }

    /// `out = a ∘ b` element by element (`out` may be `a`).
    private func combinePair(_ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
        switch kind {
        case .add, .average: for i in 0..<count { out[i] = a[i] + b[i] }
        case .subtract: for i in 0..<count { out[i] = a[i] - b[i] }
        case .divide: for i in 0..<count { out[i] = a[i] / b[i] }
        case .multiply: for i in 0..<count { out[i] = a[i] * b[i] }
        case .maximum: for i in 0..<count { out[i] = max(a[i], b[i]) }
        case .minimum: for i in 0..<count { out[i] = min(a[i], b[i]) }
        }
    }

    /// One output row combined with one input's row (`step` 1) or repeated value (`step` 0); the first input is
    /// copied.
    private func combine(into row: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, step: Int, first: Bool) {
        if step == 0 {
            let value = input[0]
            guard !first else { row.update(repeating: value, count: width); return }
            switch kind {
            case .add, .average: for j in 0..<width { row[j] += value }
            case .subtract: for j in 0..<width { row[j] -= value }
            case .divide: for j in 0..<width { row[j] /= value }
            case .multiply: for j in 0..<width { row[j] *= value }
            case .maximum: for j in 0..<width { row[j] = max(row[j], value) }
            case .minimum: for j in 0..<width { row[j] = min(row[j], value) }
            }
        } else {
            guard !first else { row.update(from: input, count: width); return }
            switch kind {
            case .add, .average: for j in 0..<width { row[j] += input[j] }
            case .subtract: for j in 0..<width { row[j] -= input[j] }
            case .divide: for j in 0..<width { row[j] /= input[j] }
            case .multiply: for j in 0..<width { row[j] *= input[j] }
            case .maximum: for j in 0..<width { row[j] = max(row[j], input[j]) }
            case .minimum: for j in 0..<width { row[j] = min(row[j], input[j]) }
            }
        }
    }

    /// Maximum and minimum send the gradient to the first input holding the result, as TensorFlow's pairwise
    /// maximum does for ties. A repeated input collects the sum over the positions it was repeated to.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        if sameShapes {
            return backwardFlat(inputs, output, outputGradient, inputGradients, total: batch * count)
        }
        let scale: Float = kind == .average ? 1 / Float(reads.count) : 1, rows = rows
        /// Input `index`'s share of output element (`row`, `column`) of `sample`; nil where it gets none.
        func contribution(_ index: Int, sample: Int, row: Int, column: Int) -> Float? {
            let k = sample * count + row * width + column, g = outputGradient[k]
            func x(_ input: Int) -> Float { inputs[input][sample * reads[input].count + reads[input].position(row: row, column: column)] }
            switch kind {
            case .add, .average, .subtract:
                return (kind == .subtract && index == 1 ? -1 : 1) * scale * g
            case .multiply:
                var product = g
                for other in reads.indices where other != index { product *= x(other) }
                return product
            case .divide:
                let a = x(0), b = x(1)
                return index == 0 ? g / b : g * ((-a / b) / b)
            case .maximum, .minimum:
                return reads.indices.first(where: { x($0) == output[k] }) == index ? g : nil
            }
        }
        // Each input's gradient over the cores where tasks write apart: an input of the output's shape by rows, one
        // read whole rows of by columns (its repeated rows collect their sums in row order either way); a repeated
        // value per row sample by sample.
        for (index, gx) in inputGradients.enumerated() {
            guard let gx else { continue }
            let read = reads[index]
            // Two inputs read a row at a time, multiplied (a squeeze-and-excitation's scaling): the product of the
            // gradient's row and the other input's, a vector loop instead of a call per element.
            let rowProduct = kind == .multiply && reads.count == 2 && reads.allSatisfy { $0.step == 1 }
            func add(sample: Int, row: Int, columns: Range<Int>) {
                if rowProduct {
                    let other = reads[1 - index], target = gx + sample * read.count + read.rowStarts[row]
                    let g = outputGradient + sample * count + row * width
                    let x = inputs[1 - index] + sample * other.count + other.rowStarts[row]
                    for column in columns { target[column] += g[column] * x[column] }
                    return
                }
                let target = gx + sample * read.count
                for column in columns {
                    if let value = contribution(index, sample: sample, row: row, column: column) {
                        target[read.position(row: row, column: column)] += value
                    }
                }
            }
            if read.count == count {
                Parallel.forEachRange(batch * rows, cost: width * reads.count) { items in
                    for item in items { add(sample: item / rows, row: item % rows, columns: 0..<width) }
                }
            } else if read.step == 1 {
                let parts = max(1, min(width / 16, 4 * Parallel.workers))
                Parallel.forEachRange(batch * parts, cost: rows * width * reads.count / parts) { tasks in
                    for task in tasks {
                        let part = task % parts, columns = (part * width / parts)..<((part + 1) * width / parts)
                        for row in 0..<rows { add(sample: task / parts, row: row, columns: columns) }
                    }
                }
            } else {
                Parallel.forEachRange(batch, cost: count * reads.count) { samples in
                    for sample in samples {
                        for row in 0..<rows { add(sample: sample, row: row, columns: 0..<width) }
                    }
                }
            }
        }
    }

    private func backwardFlat(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                              _ inputGradients: [UnsafeMutablePointer<Float>?], total: Int) {
        switch kind {
        case .add, .average, .subtract:
            // Over the cores: ResNet's residual gradients are megabytes each.
            let scale: Float = kind == .average ? 1 / Float(reads.count) : 1
            Parallel.forEachRange(total) { range in
                for (index, gx) in inputGradients.enumerated() {
                    guard let gx else { continue }
                    let factor = (kind == .subtract && index == 1 ? -1 : 1) * scale
                    for i in range { gx[i] += factor * outputGradient[i] }
                }
            }
        case .multiply:
            // Over the cores, and for two inputs (MobileNetV3's hard-swish, `x · relu6(x + 3) / 6`) one plain product
            // per value rather than a walk over the other inputs.
            Parallel.forEachRange(total) { range in
                for (index, gx) in inputGradients.enumerated() {
                    guard let gx else { continue }
                    if inputs.count == 2 {
                        let other = inputs[1 - index]
                        for i in range { gx[i] += outputGradient[i] * other[i] }
                        continue
                    }
                    for i in range {
                        var product = outputGradient[i]
                        for (other, input) in inputs.enumerated() where other != index { product *= input[i] }
                        gx[i] += product
                    }
                }
            }
        case .divide:
            // As TensorFlow's RealDiv gradient: g / b and g · ((−a / b) / b).
            if let gx = inputGradients[0] { for i in 0..<total { gx[i] += outputGradient[i] / inputs[1][i] } }
            if let gx = inputGradients[1] { for i in 0..<total { gx[i] += outputGradient[i] * ((-inputs[0][i] / inputs[1][i]) / inputs[1][i]) } }
        case .maximum, .minimum:
            for i in 0..<total {
                guard let winner = inputs.indices.first(where: { inputs[$0][i] == output[i] }) else { continue }
                inputGradients[winner]?[i] += outputGradient[i]
            }
        }
    }
}
