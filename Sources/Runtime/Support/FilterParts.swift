import KerasLensGraph

/// A layer's filters split into parts of whole register blocks, so that a layer with too few rows (or bands, or
/// chunks of positions) to keep every core busy is split by filters as well. Each part reads only its own share of
/// the weights, which for one image's deep layers (few positions, megabytes of weights) is what the time goes to;
/// each filter's sums are the same in any part, so results do not depend on the split.
struct FilterParts: Sendable {
    let count: Int
    private let blocks: Int, blockWidth: Int

    /// Parts enough that the `tasks` tasks of other kinds times `count` make at least two per core, and few enough
    /// that no core is left with much more than its share: five equal tasks on two cores take three tasks' time,
    /// five tasks in two parts each take two and a half.
    init(tasks: Int, filters: Int, isa: VectorISA) {
        blockWidth = isa.filterBlock
        blocks = (filters + blockWidth - 1) / blockWidth
        let workers = Parallel.workers, tasks = max(1, tasks)
        /// The time the layer takes with `parts` parts, in tasks: the busiest core's share.
        func span(_ parts: Int) -> Double { Double((tasks * parts + workers - 1) / workers) / Double(parts) }
        let fewest = min(blocks, (2 * workers + tasks - 1) / tasks), most = min(blocks, max(fewest, 4 * workers))
        let fair = Double(tasks) / Double(workers) * 1.125
        count = (fewest...most).first { span($0) <= fair } ?? (fewest...most).min { span($0) < span($1) }!
    }

    /// The most filters (padded to whole blocks) one part holds.
    var width: Int { (blocks + count - 1) / count * blockWidth }

    /// Part `part`'s filters, in whole blocks (the last may end past `filters`, in the padding). Packed weights
    /// (`VectorISA.packed`: [block][rows][filterBlock]) for filters from f start `f × rows` floats in.
    func range(_ part: Int) -> Range<Int> {
        (part * blocks / count * blockWidth)..<((part + 1) * blocks / count * blockWidth)
    }

    /// Whether each task stores whole rows of filters, so that an activation the kernel cannot apply in registers
    /// (`finishRows`) runs in the task, on rows still in cache.
    var tasksStoreWholeRows: Bool { count == 1 }

    /// That activation over `rows` rows of `channels` after split tasks, in a parallel pass of its own.
    func finishSplitRows(_ output: UnsafeMutablePointer<Float>, rows: Int, channels: Int, activation: Activation) {
        guard !tasksStoreWholeRows, activation.registerStore == nil else { return }
        Parallel.forEachRange(rows, cost: channels) { range in
            finishRows(output + range.lowerBound * channels, rows: range.count, channels: channels, bias: nil, activation: activation)
        }
    }
}
