import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// The folded gradient plan folds a residual `conv → add → relu` into the convolution (the shortcut its second
/// input, the rectifier its output mask), applies a rectifier in place on the step before when that layer's backward
/// pass never reads its output (`RectifiedKernel`: a standalone `bn → relu`), and gives the input gradient of the
/// full plan, the shortcut here being the convolution's own input; a layer it absorbed is still reachable by name
/// through the full plan.
@Suite struct GradientFoldingTests {
    static func residualGraph() throws -> Graph {
        var layers = TestGraph(input: [5, 4, 3])
        func values(_ shape: [Int], _ seed: Int) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(($0 * 37 + seed * 11) % 101) / 50 - 1 })
        }
        try layers.add("conv", .convolution(window: window([3, 3], .same), activation: .linear), ["x"], ["kernel": values([3, 3, 3, 3], 1)])
        try layers.add("add", .merge(.add), ["conv", "x"])
        try layers.add("out", .activation(.relu), ["add"])
        try layers.add("bn", .batchNormalization(axis: 3, epsilon: 1e-3), ["out"],
                ["gamma": values([3], 2), "beta": values([3], 3), "moving_mean": values([3], 4),
                 "moving_variance": Tensor(shape: [3], scalars: [0.5, 1, 1.5])])
        try layers.add("bn_relu", .activation(.relu6), ["bn"])
        try layers.add("flatten", .flatten, ["bn_relu"])
        try layers.add("dense", .dense(activation: .softmax(axis: -1)), ["flatten"], ["kernel": values([60, 4], 5), "bias": values([4], 6)])
        return layers.graph(outputs: ["dense"])
    }

    @Test func rectifiersRunInPlaceAndGiveTheFullPlansGradient() throws {
        let model = try Model(Self.residualGraph())
        let plan = try model.foldedDifferentiable
        let residual = try #require(plan.position["out"].map { plan.steps[$0] })
        #expect(residual.kernel is ConvolutionKernel && residual.inputs.count == 2 && residual.outputMask == .relu)
        #expect(plan.position["add"] == nil && plan.position["conv"] == nil)
        let rectified = try #require(plan.position["bn_relu"].map { plan.steps[$0] })
        #expect(rectified.kernel is RectifiedKernel && rectified.outputMask == .relu6 && plan.position["bn"] == nil)
        let input = Tensor(shape: [3, 5, 4, 3], scalars: (0..<180).map { Float(($0 * 53) % 97) / 48 - 1 })
        for target in ScoreTarget.allCases {
            let folded = try model.gradients([input], target: target, withRespectTo: ["x", "out"])
            let full = try model.gradients([input], target: target, withRespectTo: ["x", "out", "add", "bn"])
            #expect(folded.classes == full.classes)
            expectClose(folded.gradients["x"]!, full.gradients["x"]!, "input gradient, \(target)")
            expectClose(folded.gradients["out"]!, full.gradients["out"]!, "gradient at the rectifier, \(target)")
            expectClose(folded.activations["out"]!, full.activations["out"]!, "rectifier's output, \(target)")
        }
    }
}
