import KerasLens
@testable import KerasLensRuntime
import Testing

/// `Model.stepTimings` (`keraslens bench --steps`): one timing per step of the inference plan that runs a kernel,
/// in plan order, each a time, over a batch split into passes; running it leaves predictions unchanged.
/// `Model.gradientStepTimings` (`--steps --backward`): a forward and a backward time for each step the gradient
/// walks, the inference plan's steps below it forward only; the gradients unchanged.
@Suite struct StepTimingsTests {
    @Test func everyKernelStepOnceInPlanOrder() throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path("MNIST1D.h5")))
        let x = try FixtureManifest.array("mnist1d_test_x.npy").samples(0..<10)
        let before = try model.predict(x)
        let timings = try model.stepTimings([x], repeats: 3, warmup: 0, batchSize: 4)
        #expect(timings.map(\.name) == model.inference.steps.filter { $0.kernel != nil }.map(\.name))
        #expect(timings.allSatisfy { $0.seconds > 0 && $0.seconds.isFinite && !$0.kernel.isEmpty })
        #expect(try model.predict(x) == before)
    }

    @Test func gradientStepsForwardAndBackward() throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path("MNIST1D.h5")))
        let x = try FixtureManifest.array("mnist1d_test_x.npy").samples(0..<10)
        let input = model.graph.inputs[0]
        let before = try model.gradients([x], withRespectTo: [input, "conv1d_1"])
        let toInput = try model.gradientStepTimings([x], withRespectTo: [input], repeats: 3, warmup: 0)
        #expect(toInput.first?.name == "conv1d" && toInput.last?.name == "dense")
        #expect(toInput.allSatisfy { $0.seconds > 0 && $0.backwardSeconds.map { $0 > 0 } == true })
        let toLayer = try model.gradientStepTimings([x], withRespectTo: ["conv1d_1"], repeats: 3, warmup: 0)
        let below = toLayer.prefix { $0.backwardSeconds == nil }
        #expect(below.map(\.name).contains("conv1d") && !below.map(\.name).contains("conv1d_2"))
        #expect(toLayer.suffix(from: below.count).allSatisfy { $0.backwardSeconds.map { $0 > 0 } == true })
        let after = try model.gradients([x], withRespectTo: [input, "conv1d_1"])
        #expect(after.gradients == before.gradients)
    }
}
