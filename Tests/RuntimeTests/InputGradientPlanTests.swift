import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Gradients with respect to the inputs alone run on the folded gradient plan with its 3×3 convolutions forward
/// through Winograd (`Model.inputGradient`), built on first use from the folded plan; any call naming a layer keeps
/// the direct kernel's forward pass. Both give the same input gradient up to rounding.
@Suite struct InputGradientPlanTests {
    @Test func inputGradientsRunWinogradForward() throws {
        let kernel = Tensor(shape: [3, 3, 16, 16], scalars: (0..<2304).map { Float(($0 * 37) % 101) / 200 - 0.25 })
        let graph = try InferenceFoldingTests.chain(.convolution(window: window([3, 3], .same), activation: .linear),
                                                    weights: ["kernel": kernel], input: [8, 8, 16])
        let input = Tensor(shape: [2, 8, 8, 16], scalars: (0..<2048).map { Float(($0 * 53) % 97) / 48 - 1 })

        let layerCall = try Model(graph)
        _ = try layerCall.gradients([input], withRespectTo: ["act"])
        #expect(layerCall.foldedDifferentiablePlan.isBuilt && !layerCall.inputGradientPlan.isBuilt)

        let model = try Model(graph)
        let alone = try model.gradients([input], withRespectTo: ["x"])
        #expect(model.inputGradientPlan.isBuilt && !model.differentiablePlan.isBuilt)
        let beside = try model.gradients([input], withRespectTo: ["x", "act"])
        #expect(alone.classes == beside.classes)
        expectClose(alone.gradients["x"]!, beside.gradients["x"]!, "input gradient, Winograd and direct forward")

        guard VectorISA.best != nil else { return }
        func convolutions(_ plan: Plan) -> [ConvolutionKernel] { plan.steps.compactMap { $0.kernel as? ConvolutionKernel } }
        let winograd = try convolutions(model.inputGradient), direct = try convolutions(model.foldedDifferentiable)
        #expect(winograd.count == 1 && direct.count == 1)
        #expect(winograd.allSatisfy { $0.winograd != nil && $0.direct == nil && $0.winogradAdjoint != nil })
        #expect(direct.allSatisfy { $0.winograd == nil && $0.direct != nil && $0.winogradAdjoint != nil })
    }
}
