import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Every call gives back the buffers it took, so repeated calls on one model allocate nothing after the first: a
/// buffer kept out of the pool would be a leak (and fresh pages faulted in on every call).
@Suite struct BufferReuseTests {
    static let input = Tensor(shape: [2, 6, 1], scalars: [0.5, -1, 2, 0.3, 1.5, -0.7, 1, 1, -2, 0.4, 0.2, 0.9])

    /// Allocations of the model's pool after one call, and after three more.
    static func allocations(_ call: (Model) throws -> Void) throws -> (first: Int, later: Int) {
        let model = try Model(PartialForwardTests.graph())
        try call(model)
        let pool = model.pools.take()
        let first = pool.allocations
        model.pools.give(pool)
        for _ in 0..<3 { try call(model) }
        let again = model.pools.take()
        #expect(again === pool, "calls on one thread reuse one pool")
        return (first, again.allocations)
    }

    @Test func gradientsReturnTheirBuffers() throws {
        let counts = try Self.allocations { model in
            _ = try model.gradients([Self.input], withRespectTo: ["conv", "x"])
        }
        #expect(counts.first > 0 && counts.later == counts.first)
    }

    @Test func inferenceAndPartialForwardReturnTheirBuffers() throws {
        let counts = try Self.allocations { model in
            let pool = try #require(try model.run([Self.input], capture: ["pool"]).layers["pool"])
            _ = try model.forward(from: "pool", substituting: pool)
            _ = try model.outputsAblatingActivations(of: "conv", channels: [0, 2], inputs: [Self.input])
            _ = try model.predict(Self.input, batchSize: 1)
        }
        #expect(counts.first > 0 && counts.later == counts.first)
    }
}
