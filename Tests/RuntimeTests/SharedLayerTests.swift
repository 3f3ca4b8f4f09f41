import Foundation
import KerasLensGraph
@testable import KerasLensRuntime
import KerasLens
import Testing

/// Shared layers (the `siamese` and `shared_nested` fixtures): each call is a node of its own, the calls hold one
/// copy of the weights, and a weight ablation zeroes the kernel in every call.
@Suite struct SharedLayerTests {
    func siamese() throws -> (Model, [Tensor]) {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path("zoo/siamese.k2.h5")))
        let inputs = try ["zoo/siamese.input0.npy", "zoo/siamese.input1.npy"].map(FixtureManifest.array)
        return (model, inputs)
    }

    @Test(arguments: ["zoo/siamese.k2.h5", "zoo/siamese.k3.h5", "zoo/siamese.keras"])
    func callsAreNodesSharingOneCopyOfTheWeights(_ file: String) throws {
        let graph = try KerasImporter.load(path: FixtureManifest.path(file))
        let names = graph.nodes.map(\.name)
        for name in ["conv", "conv:1", "flatten", "flatten:1", "embed", "embed:1", "twice", "twice:1"] {
            #expect(names.contains(name), "no node \(name)")
        }
        #expect(graph.node(named: "embed:1")?.weightsFrom == "embed")
        #expect(graph.node(named: "twice:1")?.inputs == ["twice"])
        #expect(graph.callsSharingWeights(with: "conv:1").map(\.name).sorted() == ["conv", "conv:1"])
        let first = try #require(graph.node(named: "conv")?.weights["kernel"])
        let second = try #require(graph.node(named: "conv:1")?.weights["kernel"])
        let addresses = first.scalars.withUnsafeBufferPointer { a in second.scalars.withUnsafeBufferPointer { b in (a.baseAddress, b.baseAddress) } }
        #expect(addresses.0 == addresses.1, "the calls' kernels are one array, not copies")
    }

    @Test(arguments: ["zoo/shared_nested.k2.h5", "zoo/shared_nested.k3.h5", "zoo/shared_nested.keras"])
    func nestedModelCallsAreInlinedOncePerCall(_ file: String) throws {
        let graph = try KerasImporter.load(path: FixtureManifest.path(file))
        for name in ["enc_conv", "enc_conv:1", "enc_dense", "enc_dense:1", "proj_dense", "proj_dense:1"] {
            #expect(graph.node(named: name) != nil, "no node \(name)")
        }
        #expect(graph.node(named: "proj_dense:1")?.inputs == ["enc_dense:1"])
        #expect(graph.node(named: "difference")?.inputs == ["proj_dense", "proj_dense:1"])
    }

    /// A later call is a layer like any other: captured, and a start for the partial forward pass.
    @Test func laterCallsCanBeCapturedAndForwardedFrom() throws {
        let (model, inputs) = try siamese()
        let full = try model.run(inputs, capture: ["embed:1"])
        let embedded = try #require(full.layers["embed:1"])
        let resumed = try model.forward(from: "embed:1", substituting: embedded, inputs: inputs)
        expectClose(resumed.outputs[0], full.outputs[0], "forward from embed:1")
        #expect(try model.forwardNeedsInputs(from: "embed:1"))
    }

    /// Zeroing a shared Dense's kernel channel changes both calls: the same as running the model with that channel
    /// zeroed in the weights, and not the same as ablating the first call's output alone.
    @Test func weightAblationZeroesEveryCall() throws {
        let (model, inputs) = try siamese()
        let channels = [0, 2]
        let ablated = try model.outputsAblatingWeights(of: "embed", channels: channels, inputs: inputs)
        #expect(ablated.shape == [3, 2, 3])
        let viaSecondCall = try model.outputsAblatingWeights(of: "embed:1", channels: channels, inputs: inputs)
        #expect(viaSecondCall.scalars == ablated.scalars)
        for (row, channel) in channels.enumerated() {
            var graph = model.graph
            for index in graph.nodes.indices where ["embed", "embed:1"].contains(graph.nodes[index].name) {
                var kernel = graph.nodes[index].weights["kernel"]!
                for position in stride(from: channel, to: kernel.count, by: 4) { kernel.scalars[position] = 0 }
                graph.nodes[index].weights["kernel"] = kernel
            }
            let expected = try Model(graph).run(inputs).outputs[0]
            let actual = Tensor(shape: [3, 3], scalars: (0..<3).flatMap { sample in ablated.scalars[((sample * 2 + row) * 3)..<((sample * 2 + row) * 3 + 3)] })
            expectClose(actual, expected, "channel \(channel)")
        }
        // Substituting the first call's output alone leaves the second call's channel in place.
        let embedded = try #require(try model.run(inputs, capture: ["embed/preactivation"]).layers["embed/preactivation"])
        var zeroed = embedded
        let bias = try #require(model.graph.node(named: "embed")?.weights["bias"])
        for position in stride(from: 0, to: zeroed.count, by: 4) { zeroed.scalars[position] = bias.scalars[0] }
        let firstCallOnly = try model.forward(from: "embed/preactivation", substituting: zeroed, inputs: inputs).outputs[0]
        let ablatedChannel0 = (0..<3).flatMap { sample in ablated.scalars[(sample * 6)..<(sample * 6 + 3)] }
        #expect(zip(firstCallOnly.scalars, ablatedChannel0).contains { abs($0 - $1) > 1e-4 })
    }

    /// Against Keras: the output tf-keras gave with the layer's kernel channel zeroed (in every call of the layer, and
    /// for `shared_nested` in both calls of the nested model holding it).
    @Test(arguments: FixtureManifest.availableModels.filter { $0.weight_ablation != nil })
    func weightAblationMatchesKeras(_ record: FixtureManifest.Model) throws {
        let ablation = try #require(record.weight_ablation)
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(record.file)))
        #expect(model.graph.callsSharingWeights(with: ablation.layer).count == 2)
        let inputs = try record.inputs.map(FixtureManifest.array)
        let scores = try model.outputsAblatingWeights(of: ablation.layer, channels: [ablation.channel], inputs: inputs)
        let expected = try FixtureManifest.array(ablation.output)
        expectClose(Tensor(shape: expected.shape, scalars: scores.scalars), expected, "\(ablation.layer) channel \(ablation.channel)")
        // The unablated output differs: the channel matters.
        let clean = try FixtureManifest.array(record.expectedOutputs[0])
        #expect(zip(clean.scalars, expected.scalars).contains { abs($0 - $1) > 1e-4 })
    }

    /// A shared transposed convolution's kernel is [k…, out, in]: ablating output channel 1 zeroes the rows of that
    /// axis, not every in-th value.
    @Test func aTransposedKernelIsZeroedAlongItsOutputAxis() {
        var kernel = Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Float($0 + 1) })
        kernel.zeroChannel(1, of: 3, axesAfter: 1)
        let zeroed = Set(kernel.scalars.indices.filter { kernel.scalars[$0] == 0 })
        #expect(zeroed == Set([4, 5, 6, 7, 16, 17, 18, 19]))
    }

    @Test func parametersCountSharedWeightsOnce() throws {
        let (model, _) = try siamese()
        let record = try #require(FixtureManifest.availableModels.first { $0.name == "siamese.k2" })
        #expect(model.graph.parameterCount == record.params)
    }
}
