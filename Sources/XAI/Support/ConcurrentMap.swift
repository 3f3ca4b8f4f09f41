import Dispatch
import Foundation

/// Per-sample work spread over the cores: the model is immutable and every call owns its buffers, so samples can
/// be explained at the same time.
enum Concurrent {
    static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `body(0) … body(count − 1)` in parallel, results in order; the first error thrown is rethrown.
    static func map<Result: Sendable>(_ count: Int, _ body: @Sendable (Int) throws -> Result) throws -> [Result] {
        guard count > 1, workers > 1 else { return try (0..<count).map(body) }
        let results = ResultSlots<Result>(count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            results.store(index, Swift.Result { try body(index) })
        }
        return try results.values()
    }
}

/// One slot per index, each written by exactly one worker.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()

    init(_ count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ result: Result<Value, any Error>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func values() throws -> [Value] { try slots.map { try $0!.get() } }
}
