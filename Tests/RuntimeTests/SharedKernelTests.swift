import Foundation
import KerasLensGraph
@testable import KerasLensRuntime
import KerasLens
import Testing

/// A shared layer's calls run one prepared kernel: its packed weights exist once in the plan.
@Suite struct SharedKernelTests {
    func denseKernel(_ plan: Plan, _ layer: String) throws -> DenseKernel {
        let index = try #require(plan.position[layer + Plan.preactivationSuffix] ?? plan.position[layer])
        return try #require(plan.steps[index].kernel as? DenseKernel, "\(layer) runs a Dense kernel")
    }

    @Test func callsOfASharedDenseUseOnePackedKernel() throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path("zoo/siamese.keras")))
        for plan in [model.inference, try model.differentiable] {
            let first = try denseKernel(plan, "embed"), second = try denseKernel(plan, "embed:1")
            let address = { (values: [Float]) in values.withUnsafeBufferPointer { $0.baseAddress } }
            #expect(address(first.kernel) == address(second.kernel))
            #expect(address(first.packed) == address(second.packed))
            // A layer that is not shared has its own.
            #expect(address(try denseKernel(plan, "head").kernel) != address(first.kernel))
        }
    }
}
