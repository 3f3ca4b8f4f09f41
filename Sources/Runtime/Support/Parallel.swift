import Dispatch
import Foundation

/// Work is spread over the machine's cores by splitting it into contiguous ranges, a few per worker.
enum Parallel {
    static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Ranges per worker. More than one, handed out as workers free up, so that a worker the OS preempts (the
    /// machine is shared) delays only its current range instead of holding up a whole half of the layer.
    static let rangesPerWorker = 4

    /// Runs `body` over `0..<count` split into at most `workers × rangesPerWorker` contiguous ranges, on the
    /// spinning `WorkerPool` (or through Dispatch while the pool runs another job). Up to twice that many items go
    /// out one by one instead: ranges of one and two items would give the workers unequal shares. Runs inline when
    /// the work is too small to be worth a thread hop (`cost` is a rough count of multiply-adds per item).
    static func forEachRange(_ count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = ranges(count, cost: cost)
        guard chunks > 1 else { return body(0..<count) }
        let range = { (chunk: Int) in body(chunk * count / chunks ..< (chunk + 1) * count / chunks) }
        if let pool = WorkerPool.shared, pool.run(chunks, range) { return }
        // The ranges are disjoint and `range` returns before this function does, so sharing it is safe.
        withoutActuallyEscaping(range) { range in
            let shared = UncheckedSendable(range)
            DispatchQueue.concurrentPerform(iterations: chunks) { shared.value($0) }
        }
    }
}

extension Parallel {
    /// The ranges `forEachRange` splits `count` items of `cost` each into.
    static func ranges(_ count: Int, cost: Int) -> Int {
        let most = count <= 2 * workers * rangesPerWorker ? count : workers * rangesPerWorker
        return min(most, max(1, count * cost / 131_072))
    }
}

/// Carries a value into concurrent work whose safety the caller has established.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
