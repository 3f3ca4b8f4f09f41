import Dispatch
@testable import KerasLensRuntime
import Synchronization
import Testing

/// `Parallel.forEachRange` on the spinning `WorkerPool`: every item is visited exactly once, back to back (workers
/// spinning between jobs) and after the workers have gone to sleep, with jobs from several threads at once and jobs
/// nested in a job's body (both fall back to Dispatch while the pool is busy).
@Suite struct WorkerPoolTests {
    /// Runs `forEachRange` over `count` items of heavy enough cost to be split, and checks each item was seen once.
    static func visitsEachOnce(_ count: Int, nested: Bool = false) -> Bool {
        let visits = Mutex([Int](repeating: 0, count: count))
        let nestedVisits = Atomic<Int>(0)
        Parallel.forEachRange(count, cost: 1 << 20) { range in
            visits.withLock { for item in range { $0[item] += 1 } }
            if nested {
                Parallel.forEachRange(16, cost: 1 << 20) { inner in nestedVisits.add(inner.count, ordering: .relaxed) }
            }
        }
        let ranges = Parallel.ranges(count, cost: 1 << 20)
        return visits.withLock { $0.allSatisfy { $0 == 1 } } && (!nested || nestedVisits.load(ordering: .relaxed) == 16 * ranges)
    }

    @Test func everyItemOnceBackToBackAndAfterSleeping() async throws {
        for count in [2, 3, 7, 8, 100, 1000] { #expect(Self.visitsEachOnce(count), "\(count) items") }
        for _ in 0..<2000 { #expect(Self.visitsEachOnce(9)) }
        try await Task.sleep(for: .milliseconds(20))  // the workers sleep after 0.5 ms without work
        #expect(Self.visitsEachOnce(50))
    }

    @Test func concurrentAndNestedJobs() {
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { caller in
            for round in 0..<200 where !Self.visitsEachOnce(5 + (caller + round) % 40, nested: round % 3 == 0) {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }
}
