import Foundation
import KerasLensGraph

/// A plan built once, on first use, from whichever thread needs it first; the others wait for it.
final class LazyPlan: @unchecked Sendable {
    private let make: @Sendable () throws(RuntimeError) -> Plan
    private let lock = NSLock()
    private var built: Plan?

    init(graph: Graph, fused: Bool, folded: Bool = false, densePacks: DensePacks? = nil) {
        make = { () throws(RuntimeError) in try Plan(graph: graph, fused: fused, folded: folded, densePacks: densePacks) }
    }

    /// A plan made from another (built first, if it is not yet).
    init(from source: LazyPlan, _ transform: @escaping @Sendable (Plan) -> Plan) {
        make = { () throws(RuntimeError) in transform(try source.plan()) }
    }

    var isBuilt: Bool { lock.withLock { built != nil } }

    func plan() throws(RuntimeError) -> Plan {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let made = try make()
        built = made
        return made
    }
}
