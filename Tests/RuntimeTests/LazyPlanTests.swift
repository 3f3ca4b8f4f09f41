import Foundation
import KerasLensGraph
@testable import KerasLensRuntime
import KerasLens
import Testing

/// The gradient plans are built on first use, once: a model only run forward prepares neither, a gradient call whose
/// layers survive folding builds only the folded one, and gradient calls racing from several threads share one plan
/// and agree.
@Suite struct LazyPlanTests {
    @Test func forwardRunsLeaveTheDifferentiablePlansUnbuilt() throws {
        let kernel = Tensor(shape: [3, 3, 4, 5], scalars: (0..<180).map { Float(($0 * 37) % 101) / 50 - 1 })
        let model = try Model(InferenceFoldingTests.chain(.convolution(window: window([3, 3], .same), activation: .linear),
                                                          weights: ["kernel": kernel], input: [6, 5, 4]))
        let input = Tensor(shape: [2, 6, 5, 4], scalars: (0..<240).map { Float(($0 * 53) % 97) / 48 - 1 })
        _ = try model.predict(input)
        #expect(!model.differentiablePlan.isBuilt && !model.foldedDifferentiablePlan.isBuilt)
        let folded = try model.gradients([input], withRespectTo: ["x"])
        #expect(model.foldedDifferentiablePlan.isBuilt && !model.differentiablePlan.isBuilt)

        // The convolution its normalization was folded into is only in the full plan; the input gradient is the
        // same function there.
        #expect(try model.foldedDifferentiable.position["layer"] == nil)
        let full = try model.gradients([input], withRespectTo: ["x", "layer"])
        #expect(model.differentiablePlan.isBuilt)
        expectClose(full.gradients["x"]!, folded.gradients["x"]!, "input gradient through the folded and the full plan")

        // A requested layer with a fused ReLU (conv, normalization and activation, named as the activation) keeps its
        // own gradient unmasked while the walk below it sees the masked one.
        #expect(try model.foldedDifferentiable.steps[model.foldedDifferentiable.position["act"]!].outputMask == .relu)
        let both = try model.gradients([input], withRespectTo: ["x", "act"])
        let bothFull = try model.gradients([input], withRespectTo: ["x", "layer", "act"])
        #expect(both.gradients["act"]! == bothFull.gradients["act"]!)
        expectClose(both.gradients["x"]!, bothFull.gradients["x"]!, "input gradient beside a fused requested layer")
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
