import COpenBLAS
import Foundation
import Synchronization

/// Threads that stay awake for a moment after each job, so that the next layer's work starts on every core at once.
///
/// Why: a layer of one image takes 50–500 µs, and waking a sleeping thread for each (Dispatch's
/// `concurrentPerform`) took tens of microseconds on the VMs we measure on, often longer than the thread's share of
/// the work: MobileNetV2 ran one image only 1.2× faster on two cores than on one. Here the workers spin on the job
/// state for `spinNanoseconds` after their last job, then sleep on a condition until the next.
///
/// One job at a time: a call while a job runs (another thread's, or one nested in a job's body) gets `false` and
/// runs elsewhere (`Parallel.forEachRange` falls back to Dispatch).
final class WorkerPool: @unchecked Sendable {
    /// One worker per core beyond the calling thread's; nil on one core.
    static let shared: WorkerPool? = Parallel.workers > 1 ? WorkerPool(threads: Parallel.workers - 1) : nil

    /// How long an idle worker spins before it sleeps.
    private static let spinNanoseconds: UInt64 = 500_000

    /// generation (high 32 bits) · task count (16 bits) · next task (low 16 bits), updated as one value so that a
    /// worker late for a job can never take a task of the next one.
    private let state = Atomic<UInt64>(0)
    private let finished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private let wakeUp = NSCondition()
    /// The running job's body; set before its generation is published, valid until all its tasks have finished.
    private nonisolated(unsafe) var body: ((Int) -> Void)?

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "keraslens-worker-\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(task)` for every task in `0..<count` on the workers and the calling thread; false (nothing run)
    /// when a job is already running or `count` does not fit the state's task field.
    func run(_ count: Int, _ body: (Int) -> Void) -> Bool {
        guard count < 1 << 16, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        return withoutActuallyEscaping(body) { body in
            self.body = body
            finished.store(0, ordering: .relaxed)
            let generation = (state.load(ordering: .relaxed) >> 32 &+ 1) & 0xFFFF_FFFF
            state.store(generation << 32 | UInt64(count) << 16, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wakeUp.lock()
                wakeUp.broadcast()
                wakeUp.unlock()
            }
            runTasks(of: generation)
            while finished.load(ordering: .acquiring) < count { spinPause() }
            self.body = nil
            return true
        }
    }

    /// Takes the job's tasks one at a time until none is left (or the job is no longer `generation`).
    private func runTasks(of generation: UInt64) {
        while true {
            var current = state.load(ordering: .acquiring)
            var task: Int?
            while current >> 32 == generation, current & 0xFFFF < current >> 16 & 0xFFFF {
                let (exchanged, original) = state.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
                if exchanged {
                    task = Int(current & 0xFFFF)
                    break
                }
                current = original
            }
            guard let task else { return }
            body!(task)
            finished.add(1, ordering: .releasing)
        }
    }

    private func work() {
        var seen: UInt64 = 0
        while true {
            var generation = state.load(ordering: .acquiring) >> 32
            if generation == seen {
                let start = DispatchTime.now().uptimeNanoseconds
                var spins = 0
                while generation == seen {
                    spinPause()
                    spins += 1
                    if spins & 255 == 0, DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds {
                        sleep(until: seen)
                    }
                    generation = state.load(ordering: .acquiring) >> 32
                }
            }
            seen = generation
            runTasks(of: generation)
        }
    }

    /// Sleeps until a generation other than `seen` is published.
    private func sleep(until seen: UInt64) {
        sleepers.add(1, ordering: .sequentiallyConsistent)
        wakeUp.lock()
        while state.load(ordering: .sequentiallyConsistent) >> 32 == seen { wakeUp.wait() }
        wakeUp.unlock()
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
    }
}

/// A hint to the core that this thread is spinning (x86 `pause`), which frees its pipeline for the other
/// hyperthread and saves power.
@inline(__always)
private func spinPause() { kl_spin_pause() }
