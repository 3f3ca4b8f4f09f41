import KerasLensGraph

extension Model {
    /// The score (`target`: the model's first output, or the final logits) for each sample with each of `channels`
    /// of `layer` switched off in turn by zeroing that output channel of the layer's kernel (and its bias too with
    /// `zeroBias`). Shaped (samples, channels, output…).
    ///
    /// A zeroed kernel channel makes the layer's pre-activation channel equal its bias, so the layers before
    /// `layer` run once per sample and the ablations run as one batch from the layer on. The loaded model is never
    /// changed, so several ablations can run at once.
    public func outputsAblatingWeights(of layer: String, channels: [Int], zeroBias: Bool = false, target: ScoreTarget = .probability,
                                       inputs: [Tensor]) throws(RuntimeError) -> Tensor {
        if let specialized = try specialized(forInputs: inputs) {
            return try specialized.outputsAblatingWeights(of: layer, channels: channels, zeroBias: zeroBias, target: target, inputs: inputs)
        }
        let node = graph.nodes[try nodeIndex(named: layer)]
        guard node.op.kind.hasAblatableKernel else {
            throw RuntimeError(.unsupported, layer: layer, "\(node.kerasClass) has no kernel; weight ablation needs a Dense or convolution layer")
        }
        // A shared layer's kernel is zeroed in every call, as zeroing it in Keras would.
        if graph.callsSharingWeights(with: layer).count > 1 {
            return try outputsZeroingSharedKernel(of: node, channels: channels, zeroBias: zeroBias, target: target, inputs: inputs)
        }
        // A zeroed kernel channel leaves the bias (or zero, without one) in that channel of the pre-activation.
        let bias = node.weights["bias"]?.scalars
        return try ablate(layer: node.op.appliedActivation == nil ? layer : layer + Plan.preactivationSuffix,
                          channels: channels, target: target, inputs: inputs) { channel in zeroBias ? 0 : bias?[channel] ?? 0 }
    }

    /// `outputsAblatingWeights` for a layer called more than once: its calls' outputs change together, so no one
    /// layer output can stand in for the ablation; each channel runs a copy of the model with the channel zeroed
    /// in the weights every call uses.
    private func outputsZeroingSharedKernel(of node: Node, channels: [Int], zeroBias: Bool, target: ScoreTarget,
                                            inputs: [Tensor]) throws(RuntimeError) -> Tensor {
        let width = node.outputShape.last ?? 0
        if let bad = channels.first(where: { $0 < 0 || $0 >= width }) {
            throw RuntimeError(.inputShape, layer: node.name, "channel \(bad) is outside the layer's \(width) channels")
        }
        let kernel = node.op.ablatedKernelName
        let sharing = Set(graph.callsSharingWeights(with: node.name).map(\.name))
        let score = scoreLayer(target)
        var perChannel: [Tensor] = []
        for channel in channels {
            var ablated = graph
            for index in ablated.nodes.indices where sharing.contains(ablated.nodes[index].name) {
                ablated.nodes[index].weights[kernel]?.zeroChannel(channel, of: width, axesAfter: node.op.ablatedKernelAxesAfterChannel)
                if zeroBias { ablated.nodes[index].weights["bias"]?.zeroChannel(channel, of: width) }
            }
            perChannel.append(try Model(ablated).run(inputs, capture: [score]).layers[score]!)
        }
        guard let first = perChannel.first else {
            return Tensor(zeros: [inputs.first?.shape.first ?? 0, 0] + (graph.node(named: outputNames[0])?.outputShape ?? []))
        }
        let batch = first.shape[0], per = first.count / max(batch, 1)
        var scalars: [Float] = []
        scalars.reserveCapacity(first.count * channels.count)
        for sample in 0..<batch {
            for result in perChannel { scalars += result.scalars[(sample * per)..<((sample + 1) * per)] }
        }
        return Tensor(shape: [batch, channels.count] + first.shape.dropFirst(), scalars: scalars)
    }

    /// Like `outputsAblatingWeights`, with channel k of the layer's output itself set to zero: works on any layer
    /// with channels, pooling layers included.
    public func outputsAblatingActivations(of layer: String, channels: [Int], target: ScoreTarget = .probability,
                                           inputs: [Tensor]) throws(RuntimeError) -> Tensor {
        if let specialized = try specialized(forInputs: inputs) {
            return try specialized.outputsAblatingActivations(of: layer, channels: channels, target: target, inputs: inputs)
        }
        return try ablate(layer: layer, channels: channels, target: target, inputs: inputs) { _ in 0 }
    }

    /// Runs the model to `layer` once, then from `layer` on with each channel in turn replaced by a constant.
    private func ablate(layer: String, channels: [Int], target: ScoreTarget, inputs: [Tensor],
                        value: (Int) -> Float) throws(RuntimeError) -> Tensor {
        let score = scoreLayer(target)
        let plan = try plan(naming: [layer, score])
        let index = try step(named: layer, in: plan)
        let shape = plan.steps[index].shape
        let width = shape.last ?? 0
        if let bad = channels.first(where: { $0 < 0 || $0 >= width }) {
            throw RuntimeError(.inputShape, layer: layer, "channel \(bad) is outside the layer's \(width) channels")
        }
        let (batch, batched) = try checkInputs(inputs)
        let activations = try run(layerOutputs: layer, inputs: batched, plan: plan, step: index, batch: batch)
        let perSample = shape.reduce(1, *)
        let targets = Set(outputNames.map { plan.position[$0]! } + [plan.position[score]!])
        let needsInputs = !plan.upstream(of: targets, given: [index]).isSubset(of: plan.downstream(of: index))
        var results: [Float] = []
        var outputShape: [Int] = []
        for sample in 0..<batch {
            let original = activations.scalars[(sample * perSample)..<((sample + 1) * perSample)]
            var ablated = [Float](repeating: 0, count: channels.count * perSample)
            for (row, channel) in channels.enumerated() {
                let replacement = value(channel)
                ablated.replaceSubrange((row * perSample)..<((row + 1) * perSample), with: original)
                for position in stride(from: channel, to: perSample, by: width) { ablated[row * perSample + position] = replacement }
            }
            let repeated = needsInputs ? batched.map { $0.samples(sample..<(sample + 1)).repeated(channels.count) } : nil
            let outputs = try forward(from: layer, substituting: Tensor(shape: [channels.count] + shape, scalars: ablated),
                                      inputs: repeated, capture: [score]).layers[score]!
            results += outputs.scalars
            outputShape = Array(outputs.shape.dropFirst())
        }
        return Tensor(shape: [batch, channels.count] + outputShape, scalars: results)
    }

    /// One step's output for a batch, from the plan that has it.
    private func run(layerOutputs layer: String, inputs: [Tensor], plan: Plan, step index: Int, batch: Int) throws(RuntimeError) -> Tensor {
        let pool = pools.take()
        defer { pools.give(pool) }
        let buffers = plan.execute(batch: batch, given: load(inputs, plan: plan, pool: pool), keep: [index],
                                   skip: Set(plan.steps.indices).subtracting(plan.upstream(of: [index], given: [])), pool: pool)
        defer { for buffer in buffers.values { pool.give(buffer) } }
        return plan.tensor(buffers[index]!, step: index, batch: batch)
    }
}

extension Tensor {
    /// Zeroes every value of output channel `channel` of a kernel whose trailing axes hold `width` output channels
    /// (a Dense or convolution kernel's last axis; a depthwise kernel's input × multiplier axes), followed by
    /// `axesAfter` further axes (a transposed convolution's input channels).
    mutating func zeroChannel(_ channel: Int, of width: Int, axesAfter: Int = 0) {
        let inner = shape.suffix(axesAfter).reduce(1, *)
        for start in stride(from: channel * inner, to: scalars.count, by: width * inner) {
            scalars.replaceSubrange(start..<(start + inner), with: repeatElement(0, count: inner))
        }
    }

    /// A batch of one sample repeated `count` times.
    func repeated(_ count: Int) -> Tensor {
        Tensor(shape: [count] + shape.dropFirst(), scalars: Array([[Float]](repeating: scalars, count: count).joined()))
    }
}
