extension Plan {
    /// Steps after `start` (a cut, given to the segment; the first segment starts at the inputs) up to and including
    /// the next segment's start, run in passes of `size` samples.
    struct PassSegment: Equatable {
        let start: Int
        let size: Int
    }

    /// How a forward pass over many samples is cut up. A pass's size is set by the largest activation it holds
    /// (`passBytes`), but a model's activations shrink as it goes: VGG16's first layers hold 12.8 MB an image, its
    /// classifier 100 KB, and one image a pass streamed the 411 MB of `fc1`'s weights once per image. So the plan
    /// is cut where nothing after a step reads anything before it (that step's output is all that crosses), and a
    /// segment whose largest activation allows more samples than the one before, and whose weights outweigh its
    /// activations, runs in passes of its own size, fed by several passes of the segment before. `given` are the
    /// steps supplied (inputs, a substituted layer): segments start after them; `keep` the steps wanted: segments
    /// start no later than the first. Steps in `skip` are not run and do not count.
    func passSegments(limit: Int, given: Set<Int>, keep: Set<Int>, skip: Set<Int>, bytes: Int = passBytes) -> [PassSegment] {
        func size(_ largest: Int) -> Int { Self.passSize(largest: largest, limit: limit, bytes: bytes) }
        var largestFrom = Array(repeating: 0, count: steps.count + 1), earliestReadFrom = Array(repeating: Int.max, count: steps.count + 1)
        var weightsFrom = largestFrom, activationsFrom = largestFrom
        for index in steps.indices.reversed() {
            let runs = !skip.contains(index)
            largestFrom[index] = max(largestFrom[index + 1], runs ? steps[index].count : 0)
            earliestReadFrom[index] = min(earliestReadFrom[index + 1], runs ? steps[index].inputs.min() ?? .max : .max)
            weightsFrom[index] = weightsFrom[index + 1] + (runs ? steps[index].weights : 0)
            activationsFrom[index] = activationsFrom[index + 1] + (runs ? steps[index].count : 0)
        }
        var segments = [PassSegment(start: 0, size: size(largestFrom[0]))]
        let first = (given.max() ?? -1) + 1, last = keep.min() ?? steps.count - 1
        guard first <= last else { return segments }
        for cut in first...last where !skip.contains(cut) && earliestReadFrom[cut + 1] >= cut {
            let segment = PassSegment(start: cut, size: size(largestFrom[cut])), previous = segments[segments.count - 1].size
            // Worth it where the weights after the cut, streamed once a pass, outweigh what the pass's activations
            // there take: more samples a pass would otherwise only push the activations out of the cache.
            let weights = weightsFrom[cut + 1]
            if segment.size > previous, weights > 0, weights >= previous * activationsFrom[cut + 1] { segments.append(segment) }
        }
        return segments
    }

    /// Runs `total` samples through the plan in passes of at most `limit` (see `passSegments`): `load` fills the
    /// `given` steps for a range of samples, and `body` reads the `keep` buffers of each of the last segment's
    /// passes (they go back to the pool after it returns). Samples are independent and every kernel computes a
    /// sample the same way in any batch, so the results are those of one pass over everything.
    func executeInPasses<Result>(total: Int, limit: Int, given: Set<Int>, load: (Range<Int>) -> [Int: Buffer],
                                 keep: Set<Int>, skip: Set<Int> = [], pool: BufferPool, clock: StepClock? = nil,
                                 bytes: Int = passBytes, _ body: (Range<Int>, [Int: Buffer]) -> Result) -> [Result] {
        let segments = passSegments(limit: limit, given: given, keep: keep, skip: skip, bytes: bytes)
        // Each segment's last step and the steps it leaves out, once for all its passes.
        let ends = segments.indices.map { $0 + 1 < segments.count ? segments[$0 + 1].start : steps.count - 1 }
        let skips = segments.indices.map { skip.union(0..<segments[$0].start).union((ends[$0] + 1)..<steps.count) }
        /// The buffers segment `k` leaves for samples `range`: the next segment's start, or `keep` for the last.
        func run(_ k: Int, _ range: Range<Int>) -> [Int: Buffer] {
            let start = segments[k].start, end = ends[k]
            var inputs: [Int: Buffer]
            if k == 0 {
                inputs = load(range)
            } else {
                let count = steps[start].count, joined = pool.take(range.count * count)
                for first in stride(from: range.lowerBound, to: range.upperBound, by: segments[k - 1].size) {
                    let part = first..<min(first + segments[k - 1].size, range.upperBound)
                    let produced = run(k - 1, part)[start]!
                    (joined.pointer + (first - range.lowerBound) * count).update(from: produced.pointer, count: part.count * count)
                    pool.give(produced)
                }
                inputs = [start: joined]
            }
            return execute(batch: range.count, given: inputs, keep: k + 1 < segments.count ? [end] : keep,
                           skip: skips[k], pool: pool, clock: clock)
        }
        let size = segments[segments.count - 1].size
        return stride(from: 0, to: total, by: size).map { first in
            let range = first..<min(first + size, total)
            let buffers = run(segments.count - 1, range)
            defer { for buffer in buffers.values { pool.give(buffer) } }
            return body(range, buffers)
        }
    }
}
