import KerasLens
@testable import KerasLensRuntime
import Testing

/// `Model.stepTimings` (`keraslens bench --steps`): one timing per step of the inference plan that runs a kernel,
/// in plan order, each a time, over a batch split into passes; running it leaves predictions unchanged.
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
}
