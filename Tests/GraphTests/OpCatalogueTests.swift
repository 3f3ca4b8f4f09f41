@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import Testing

/// The catalogue's declarations agree with the ops themselves, for every kind.
@Suite struct OpCatalogueTests {
    @Test(arguments: OpKind.allCases)
    func everyKindHasExamplesOfItsKind(_ kind: OpKind) {
        let examples = OpExamples.examples(kind)
        #expect(!examples.isEmpty)
        for example in examples { #expect(example.op.kind == kind) }
    }

    @Test(arguments: OpExamples.all)
    func fusedActivationMatchesTheDeclaration(_ example: OpExamples.Example) {
        let op = example.op
        #expect((op.fusedActivation != nil) == op.kind.carriesActivation)
        let replaced = op.replacingFusedActivation(with: .mish)
        #expect(replaced.kind == op.kind)
        #expect(replaced.fusedActivation == (op.kind.carriesActivation ? .mish : nil))
        if !op.kind.carriesActivation { #expect(replaced == op) }
    }

    /// Ablatable kernels are exactly the ops with a kernel whose output channels are the op's output channels (a
    /// recurrent kernel's columns are gates, each feeding every unit through the recurrence).
    @Test(arguments: OpExamples.all)
    func ablatableOpsHaveKernels(_ example: OpExamples.Example) {
        let kernels = ["kernel", "depthwise_kernel", "pointwise_kernel"]
        let channelKernel = example.op.kind != .recurrent && kernels.contains { example.weights[$0] != nil }
        #expect(example.op.kind.hasAblatableKernel == channelKernel)
    }

    @Test(arguments: ActivationKind.allCases)
    func everyActivationKindHasExamplesOfItsKind(_ kind: ActivationKind) {
        let examples = OpExamples.activations(kind)
        #expect(!examples.isEmpty)
        for activation in examples { #expect(activation.kind == kind) }
    }

    /// Every example is a valid op: its attributes pass the range checks and its output shape is inferred.
    @Test(arguments: OpExamples.all)
    func examplesAreValid(_ example: OpExamples.Example) throws {
        _ = try OpExamples.graph(example)
    }
}
