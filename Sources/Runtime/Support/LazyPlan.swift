import Foundation
import KerasLensGraph

/// A plan built once, on first use, from whichever thread needs it first; the others wait for it.
final class LazyPlan: @unchecked Sendable {
    private let graph: Graph
    private let fused: Bool, folded: Bool
    private let lock = NSLock()
    private var built: Plan?

    init(graph: Graph, fused: Bool, folded: Bool = false) {
        self.graph = graph
        self.fused = fused
        self.folded = folded
    }

    var isBuilt: Bool { lock.withLock { built != nil } }

    func plan() throws(RuntimeError) -> Plan {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let made = try Plan(graph: graph, fused: fused, folded: folded)
        built = made
        return made
    }
}
