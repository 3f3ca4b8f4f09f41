import Foundation
import KerasLensGraph
import KerasLensRuntime
import KerasLens
import Testing

/// Every fixture model and both course files against Keras's recorded outputs, within atol 1e-5 + rtol 1e-4.
@Suite struct ParityTests {
    @Test(arguments: FixtureManifest.availableModels)
    func outputsMatchKeras(_ record: FixtureManifest.Model) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(record.file)))
        let inputs = try record.inputs.map(FixtureManifest.array)
        let result = try model.run(inputs)
        let expected = try record.expectedOutputs.map(FixtureManifest.array)
        #expect(result.outputs.count == expected.count)
        for (actual, wanted) in zip(result.outputs, expected) {
            expectClose(actual, wanted)
        }
    }

    @Test(arguments: FixtureManifest.availableModels.filter { $0.layers != nil })
    func layerOutputsMatchKeras(_ record: FixtureManifest.Model) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(record.file)))
        let samples = record.layer_samples ?? Int.max
        let inputs = try record.inputs.map(FixtureManifest.array).map { $0.leading(samples) }
        let layers = record.layers ?? [:]
        let result = try model.run(inputs, capture: Array(layers.keys))
        for (name, layer) in layers.sorted(by: { $0.key < $1.key }) {
            var actual = try #require(result.layers[name])
            if let rows = layer.rows, let cols = layer.cols { actual = actual.selecting(rows: rows, cols: cols) }
            let expected = try FixtureManifest.array(layer.file)
            expectClose(actual, expected, "layer \(name)")
        }
    }

    @Test(arguments: FixtureManifest.availableModels)
    func summaryMatchesKeras(_ record: FixtureManifest.Model) throws {
        let graph = try KerasImporter.load(path: FixtureManifest.path(record.file))
        #expect(graph.parameterCount == record.params)
        // Nested models are inlined (also inside TimeDistributed): their layers are nodes, the models themselves are not.
        for row in record.summary ?? [] where !["Sequential", "Functional"].contains(row.class) && row.wrapped_model == nil {
            let node = try #require(graph.node(named: row.name), "no node named \(row.name)")
            #expect(node.kerasClass == row.class)
            // A lowered Bidirectional is its directions' nodes and their join: the layer's parameters are theirs.
            let parts = row.class == "Bidirectional" ? graph.nodes.filter { $0.name == row.name || $0.name.hasPrefix(row.name + "/") } : [node]
            #expect(parts.map(\.parameterCount).reduce(0, +) == row.params, "params of \(row.name)")
            if let shape = row.output_shape { #expect(node.outputShape == shape.map { $0 ?? openDimension }, "shape of \(row.name)") }
        }
    }

    @Test(arguments: FixtureManifest.availableModels.filter { $0.labels != nil && $0.accuracy != nil })
    func accuracyMatchesKeras(_ record: FixtureManifest.Model) throws {
        let model = try Model(KerasImporter.load(path: FixtureManifest.path(record.file)))
        let scores = try model.predict(FixtureManifest.array(record.inputs[0]))
        let labels = try FixtureManifest.array(try #require(record.labels))
        var correct = 0
        let classes = scores.shape.last!
        for (sample, label) in labels.scalars.enumerated() {
            let row = scores.scalars[(sample * classes)..<(sample * classes + classes)]
            if row.firstIndex(of: row.max()!)! - sample * classes == Int(label) { correct += 1 }
        }
        #expect(abs(Double(correct) / Double(labels.count) - record.accuracy!) < 1e-9)
    }
}

extension Tensor {
    /// The first `count` samples of a batch-first tensor.
    func leading(_ count: Int) -> Tensor {
        guard count < shape[0] else { return self }
        let per = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [count] + shape.dropFirst(), scalars: Array(scalars.prefix(count * per)))
    }

    /// `x[:, rows][:, :, cols]` of a (N, H, W, C) tensor, as the generator stores large layer outputs.
    func selecting(rows: [Int], cols: [Int]) -> Tensor {
        let (n, height, width, channels) = (shape[0], shape[1], shape[2], shape[3])
        var values: [Float] = []
        values.reserveCapacity(n * rows.count * cols.count * channels)
        for sample in 0..<n {
            for row in rows {
                for col in cols {
                    let start = ((sample * height + row) * width + col) * channels
                    values += scalars[start..<(start + channels)]
                }
            }
        }
        return Tensor(shape: [n, rows.count, cols.count, channels], scalars: values)
    }
}
