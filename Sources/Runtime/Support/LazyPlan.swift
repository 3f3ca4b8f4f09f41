import Foundation

/// A plan built once, on first use, from whichever thread needs it first; the others wait for it.
final class LazyPlan: @unchecked Sendable {
    private let lock = NSLock()
    private var built: Plan?

    var isBuilt: Bool { lock.withLock { built != nil } }

    func plan(_ make: () throws(RuntimeError) -> Plan) throws(RuntimeError) -> Plan {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let made = try make()
        built = made
        return made
    }
}
