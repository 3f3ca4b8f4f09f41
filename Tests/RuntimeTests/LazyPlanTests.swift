import Foundation
import KerasLensGraph
@testable import KerasLensRuntime
import KerasLens
import Testing

/// The differentiable plan is built on first use, once: a model only run forward never prepares it, and gradient
/// calls racing from several threads share one plan and agree.
@Suite struct LazyPlanTests {
    @Test func forwardRunsLeaveTheDifferentiablePlanUnbuilt() throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path("zoo/batchnorm.k2.h5")))
        let input = try FixtureManifest.array("zoo/batchnorm.input.npy")
        _ = try model.predict(input)
        #expect(!model.differentiablePlan.isBuilt)
        _ = try model.gradients([input], withRespectTo: [model.graph.inputs[0]])
        #expect(model.differentiablePlan.isBuilt)
    }

    @Test func concurrentFirstUsesShareOnePlan() async throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path("zoo/batchnorm.k2.h5")))
        let input = try FixtureManifest.array("zoo/batchnorm.input.npy")
        let name = model.graph.inputs[0]
        let results = await withTaskGroup(of: [Float].self) { group in
            for _ in 0..<4 {
                group.addTask { (try? model.gradients([input], withRespectTo: [name]).gradients[name]?.scalars) ?? [] }
            }
            return await group.reduce(into: [[Float]]()) { $0.append($1) }
        }
        #expect(results.count == 4 && !results[0].isEmpty)
        #expect(results.allSatisfy { $0 == results[0] })
    }
}
