import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensRuntime
import Testing

/// Keras masks into attention, on the zoo's masked attention models (padding in the queries and values, one sample
/// whose value is all padding): the masks are inputs of the attention ops, and they matter — the same graph with the
/// attention ops' masks taken away misses Keras's outputs by far more than the tolerance.
@Suite struct MaskedAttentionTests {
    static let models: [(file: String, inputs: [String], output: String)] = [
        ("zoo/masked_self_attention.k2.h5", ["zoo/masked_self_attention.input.npy"], "zoo/masked_self_attention.k2.output.npy"),
        ("zoo/masked_self_attention.keras", ["zoo/masked_self_attention.input.npy"], "zoo/masked_self_attention.k3.output.npy"),
        ("zoo/masked_cross_attention.k2.h5", (0..<3).map { "zoo/masked_cross_attention.input\($0).npy" }, "zoo/masked_cross_attention.k2.output.npy"),
        ("zoo/masked_cross_attention.keras", (0..<3).map { "zoo/masked_cross_attention.input\($0).npy" }, "zoo/masked_cross_attention.k3.output.npy"),
    ]

    /// The graph with every attention op reading its sequences only, as if Keras had passed no masks.
    static func withoutAttentionMasks(_ graph: Graph) -> Graph {
        let nodes = graph.nodes.map { node -> Node in
            guard case .attention(var attention) = node.op, attention.masks != nil else { return node }
            var plain = node
            plain.inputs = Array(node.inputs.prefix(attention.sequenceCount(inputs: node.inputs.count)))
            attention.masks = nil
            plain.op = .attention(attention)
            return plain
        }
        return Graph(nodes: nodes, inputs: graph.inputs, outputs: graph.outputs, source: graph.source)
    }

    @Test(arguments: models)
    func masksAreReadAndMatter(file: String, inputs: [String], output: String) throws {
        let graph = try KerasImporter.load(path: FixtureManifest.path(file))
        let masked = graph.nodes.filter { if case .attention(let a) = $0.op { a.masks != nil } else { false } }
        #expect(masked.count >= 2, "the attention ops read their masks")
        let arrays = try inputs.map(FixtureManifest.array)
        let expected = try FixtureManifest.array(output)
        expectClose(try Model(graph).run(arrays).outputs[0], expected, file)
        let ignored = try Model(Self.withoutAttentionMasks(graph)).run(arrays).outputs[0]
        let miss = zip(ignored.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(miss > 1e-2, "\(file): ignoring the masks moves the output by \(miss) only")
    }

    /// Each sample's masked attention result (and its gradient) is bit-identical alone and inside the batch, fully
    /// hidden rows included (house rule; `BatchInvarianceTests` draws float inputs, which ids refuse).
    @Test(arguments: models)
    func samplesGiveTheResultTheyHaveAlone(file: String, inputs: [String], output: String) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(file)))
        let arrays = try inputs.map(FixtureManifest.array)
        let whole = try model.run(arrays).outputs[0]
        let embedding = model.graph.nodes.first { $0.op == .embedding }!.name
        let gradients = try model.gradients(arrays, withRespectTo: [embedding])
        for sample in 0..<whole.shape[0] {
            let one = arrays.map { $0.samples(sample..<(sample + 1)) }
            #expect(try model.run(one).outputs[0] == whole.samples(sample..<(sample + 1)), "sample \(sample) of \(file)")
            let alone = try model.gradients(one, withRespectTo: [embedding])
            #expect(alone.gradients[embedding] == gradients.gradients[embedding]?.samples(sample..<(sample + 1)),
                    "gradient of sample \(sample) of \(file)")
        }
    }
}
