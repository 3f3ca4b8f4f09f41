import KerasLensGraph
import KerasLensRuntime
import Testing

/// Partial forward, logits and ablation on a small conv → pool → dense model.
@Suite struct PartialForwardTests {
    static func graph(kernel: [Float]? = nil, finalActivation: Activation = .softmax(axis: 1)) -> Graph {
        let kernel = Tensor(shape: [3, 1, 4], scalars: kernel ?? (0..<12).map { Float($0 % 5) * 0.3 - 0.5 })
        let dense = Tensor(shape: [12, 3], scalars: (0..<36).map { Float(($0 * 7) % 11) * 0.1 - 0.5 })
        let nodes = [
            Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [6, 1]),
            Node(name: "conv", kerasClass: "Conv1D", op: .convolution(window: Window(size: [3], strides: [1], dilations: [1], padding: .same), activation: .relu),
                 inputs: ["x"], weights: ["kernel": kernel, "bias": Tensor(shape: [4], scalars: [0.1, -0.2, 0.3, 0])], outputShape: [6, 4]),
            Node(name: "pool", kerasClass: "MaxPooling1D", op: .pool(kind: .max, window: Window(size: [2], strides: [2], dilations: [1], padding: .valid)),
                 inputs: ["conv"], outputShape: [3, 4]),
            Node(name: "flat", kerasClass: "Flatten", op: .flatten, inputs: ["pool"], outputShape: [12]),
            Node(name: "out", kerasClass: "Dense", op: .dense(activation: finalActivation), inputs: ["flat"], weights: ["kernel": dense], outputShape: [3]),
        ]
        return Graph(nodes: nodes, inputs: ["x"], outputs: ["out"], source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
    }

    let input = Tensor(shape: [2, 6, 1], scalars: [0.5, -1, 2, 0.3, 1.5, -0.7, 1, 1, -2, 0.4, 0.2, 0.9])

    @Test func forwardFromALayerEqualsTheFullPass() throws {
        let model = try Model(Self.graph())
        let full = try model.run([input], capture: ["pool"])
        let partial = try model.forward(from: "pool", substituting: try #require(full.layers["pool"]))
        expectClose(partial.outputs[0], full.outputs[0])
    }

    @Test func logitsAreTheFinalLayersPreactivation() throws {
        let model = try Model(Self.graph())
        let linear = try Model(Self.graph(finalActivation: .linear))
        let gradients = try model.gradients([input], classes: [0, 2], target: .logit, withRespectTo: ["x", "conv"])
        let reference = try linear.gradients([input], classes: [0, 2], withRespectTo: ["x", "conv"])
        let logits = try linear.run([input]).outputs[0]
        // Close, not equal: inference plans may run convolutions through the direct kernel, gradient plans through
        // im2col + sgemm, which sum in another order (see `makeKernel`).
        expectClose(Tensor(shape: [2], scalars: gradients.scores), Tensor(shape: [2], scalars: [logits.scalars[0], logits.scalars[5]]))
        expectClose(try #require(gradients.gradients["x"]), try #require(reference.gradients["x"]))
        expectClose(try #require(gradients.gradients["conv"]), try #require(reference.gradients["conv"]))
        expectClose(try #require(gradients.activations["conv"]), try linear.run([input], capture: ["conv"]).layers["conv"]!)
    }

    @Test func defaultClassIsThePrediction() throws {
        let model = try Model(Self.graph())
        let gradients = try model.gradients([input], withRespectTo: ["pool"])
        let outputs = try model.run([input]).outputs[0]
        for sample in 0..<2 {
            let row = Array(outputs.scalars[(sample * 3)..<(sample * 3 + 3)])
            #expect(gradients.classes[sample] == row.firstIndex(of: row.max()!))
            #expect(gradients.scores[sample] == row.max())
        }
    }

    @Test func weightAblationEqualsAZeroedKernelChannel() throws {
        let model = try Model(Self.graph())
        let ablated = try model.outputsAblatingWeights(of: "conv", channels: [1, 3], inputs: [input])
        #expect(ablated.shape == [2, 2, 3])
        for (row, channel) in [1, 3].enumerated() {
            var kernel = (0..<12).map { Float($0 % 5) * 0.3 - 0.5 }
            for tap in 0..<3 { kernel[tap * 4 + channel] = 0 }
            let reference = try Model(Self.graph(kernel: kernel)).run([input]).outputs[0]
            for sample in 0..<2 {
                let got = Array(ablated.scalars[((sample * 2 + row) * 3)..<((sample * 2 + row) * 3 + 3)])
                let want = Array(reference.scalars[(sample * 3)..<(sample * 3 + 3)])
                expectClose(Tensor(shape: [3], scalars: got), Tensor(shape: [3], scalars: want))
            }
        }
    }

    @Test func activationAblationZeroesTheChannel() throws {
        let model = try Model(Self.graph())
        let ablated = try model.outputsAblatingActivations(of: "pool", channels: [2], inputs: [input])
        var pool = try model.run([input], capture: ["pool"]).layers["pool"]!
        for position in stride(from: 2, to: pool.count, by: 4) { pool.scalars[position] = 0 }
        let reference = try model.forward(from: "pool", substituting: pool).outputs[0]
        expectClose(Tensor(shape: [2, 3], scalars: ablated.scalars), reference)
    }

    @Test func ablationErrorsNameTheLayer() throws {
        let model = try Model(Self.graph())
        #expect { try model.outputsAblatingWeights(of: "pool", channels: [0], inputs: [input]) } throws: {
            ($0 as? RuntimeError)?.layer == "pool"
        }
        #expect { try model.outputsAblatingActivations(of: "conv", channels: [4], inputs: [input]) } throws: {
            ($0 as? RuntimeError)?.description.contains("channel 4") == true
        }
        #expect { try model.forward(from: "nope", substituting: input) } throws: {
            ($0 as? RuntimeError)?.description.contains("conv") == true
        }
    }
}
