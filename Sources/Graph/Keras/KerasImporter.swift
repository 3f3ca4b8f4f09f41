import KerasLensH5Reader
import KerasLensGraph

/// Reads a Keras model file (`.h5` from Keras 2 or 3, or a Keras 3 `.keras` archive) into a `Graph`.
public enum KerasImporter {
    public static func load(path: String) throws(GraphError) -> Graph {
        let file: KerasFile
        do {
            file = try KerasFile(path: path)
        } catch {
            // The reader's message already names the file.
            throw GraphError(.unreadable, "\(error)")
        }
        do {
            return try build(file)
        } catch {
            throw error.inFile(path)
        }
    }

    static func build(_ file: KerasFile) throws(GraphError) -> Graph {
        guard let text = file.modelConfig else {
            throw GraphError(.unsupported, "the file holds weights but no model configuration (saved with save_weights?); save the whole model with model.save")
        }
        return try build(file, config: text)
    }

    /// Imports `text` as the model configuration of `file`, whose weights it reads. Apart from `build(_:)` so that
    /// the configuration fuzzer (Fuzz/) can try many configurations against one real file's weights.
    static func build(_ file: KerasFile, config text: String) throws(GraphError) -> Graph {
        let config: JSONValue
        do {
            config = try JSONValue.parse(text)
        } catch {
            throw GraphError(.invalidConfig, "the model configuration is not valid JSON (\(conciseReason(error)))")
        }
        let isArchive = file.container == .archive
        let major = isArchive ? 3 : majorVersion(file.kerasVersion)
        let structure = try ModelStructure(config: config, kerasMajor: major, isArchive: isArchive)
        let matcher = WeightMatcher(file: file)

        var nodes: [Node] = []
        var shapes: [String: [Int]] = [:]
        // A shared layer's weights are read once; its calls hold the same (copy-on-write) arrays.
        var shared: [WeightLocation: [String: Tensor]] = [:]
        var masks = MaskTracker(kerasMajor: major, recorded: structure.calls.contains { $0.recordedMask != nil }, calls: structure.calls)
        let callNames = Set(structure.calls.map(\.config.name))
        for original in try topologicalOrder(structure.calls) {
            let (call, made) = try masks.prepare(original, shapes: shapes, taken: callNames.contains)
            for mask in made {
                shapes[mask.name] = mask.outputShape
                nodes.append(mask)
            }
            for node in try makeNodes(call, shapes: shapes, matcher: matcher, shared: &shared, taken: callNames.contains) {
                masks.finish(node, call: call, made: made)
                shapes[node.name] = node.outputShape
                nodes.append(node)
            }
        }
        for name in structure.outputs where shapes[name] == nil {
            throw GraphError(.invalidConfig, layer: name, "the model output refers to a layer that does not exist")
        }
        guard !structure.inputs.isEmpty, !structure.outputs.isEmpty else {
            throw GraphError(.invalidConfig, "the model has no inputs or no outputs")
        }
        return Graph(nodes: nodes, inputs: structure.inputs, outputs: structure.outputs,
                     source: GraphSource(format: file.container.rawValue, kerasVersion: file.kerasVersion, backend: file.backend))
    }

    /// The node of one layer call; several for a Bidirectional lowered into its directions (`lowerBidirectional`).
    private static func makeNodes(_ call: LayerCall, shapes: [String: [Int]], matcher: WeightMatcher,
                                  shared: inout [WeightLocation: [String: Tensor]],
                                  taken: (String) -> Bool) throws(GraphError) -> [Node] {
        let layer = call.config
        if let shape = call.inputShape {
            do {
                try ShapeLimits.check(shape.map { $0 == openDimension ? 1 : $0 })
            } catch {
                throw layer.error(.shape, "the declared input \(error.detail)")
            }
            return [Node(name: layer.name, kerasClass: layer.kerasClass, op: .input, inputs: [], outputShape: shape)]
        }
        if let reason = refusedLayers[layer.kerasClass] {
            throw layer.error(.unsupported, reason)
        }
        // A recorded function call (tf-keras's TFOpLambda, a Keras 3 operation) is built from its call, whatever its
        // class is named (Keras 3's `Add` operation is not the `Add` layer).
        guard let builder = layer.call != nil ? buildOpLambda : layerBuilders[layer.kerasClass] else {
            throw layer.error(.unsupported, "this layer class is not supported (custom or subclassed layers need their Python code)")
        }
        let inputShapes = call.inbound.compactMap { shapes[$0] }
        if let missing = call.inbound.first(where: { shapes[$0] == nil }) {
            throw layer.error(.invalidConfig, "its input '\(missing)' is not an output of the model's layers")
        }
        // A distributed layer is built for one step: its inputs without the distributed axes.
        let innerShapes: [[Int]]
        do {
            _ = call.distributedAxes > 0 ? try Op.distributedLead(inputShapes, axes: call.distributedAxes) : []
            innerShapes = inputShapes.map { Array($0.dropFirst(call.distributedAxes)) }
        } catch {
            throw layer.error(error.kind, error.detail)
        }
        let built = try build(layer, builder: builder, inputs: innerShapes)
        let weights: [String: Tensor]
        if let read = shared[call.weights] {
            weights = read
        } else {
            weights = try matcher.weights(for: call, built: built)
            shared[call.weights] = weights
        }
        if let halves = built.bidirectional {
            return try lowerBidirectional(call, halves: halves, weights: weights, inputShapes: inputShapes, taken: taken)
        }
        do {
            try built.op.checkAttributes()
            for declared in built.declared { try declared.check(weights) }
            let shape = try built.op.symbolicOutputShape(inputs: inputShapes, weights: weights, distributedAxes: call.distributedAxes)
            var node = Node(name: layer.name, kerasClass: call.wrapper ?? layer.kerasClass, op: built.op, inputs: call.inbound,
                            weights: weights, outputShape: shape)
            node.distributedAxes = call.distributedAxes
            node.constantNames = Set(built.constants.keys)
            node.weightsFrom = call.weightsFrom
            return [node]
        } catch {
            var attributed = error
            attributed.layer = layer.name
            attributed.kerasClass = call.wrapper.map { "\($0)(\(layer.kerasClass))" } ?? layer.kerasClass
            throw attributed
        }
    }

    /// Builds a layer; over inputs with open dimensions, twice with them at two sizes (`Op.openProbes`): a layer
    /// whose op depends on the size (a Reshape that resolves -1 from the element count) is refused.
    private static func build(_ layer: LayerConfig, builder: LayerBuilder, inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
        guard inputs.contains(where: { $0.contains(openDimension) }) else { return try builder(layer, inputs) }
        func at(_ size: Int) throws(GraphError) -> BuiltLayer {
            try builder(layer, inputs.map { $0.map { $0 == openDimension ? size : $0 } })
        }
        let first = try at(Op.openProbes.0), second = try at(Op.openProbes.1)
        guard first.op == second.op, first.weightNames == second.weightNames, first.constants == second.constants,
              first.bidirectional == second.bidirectional else {
            throw layer.error(.unsupported, "its configuration depends on the size of the open dimensions of input \(inputs.map(Graph.describe).joined(separator: ", ")); it needs a fixed input shape")
        }
        return first
    }

    /// Orders calls so that every producer comes before its consumers; refuses cycles and unknown producers.
    static func topologicalOrder(_ calls: [LayerCall]) throws(GraphError) -> [LayerCall] {
        var index: [String: Int] = [:]
        for (position, call) in calls.enumerated() { index[call.config.name] = position }
        var waiting = [Int](repeating: 0, count: calls.count)
        var consumers = [[Int]](repeating: [], count: calls.count)
        for (position, call) in calls.enumerated() {
            for producer in call.inbound {
                // A Bidirectional's second output comes from its call.
                let suffix = bidirectionalBackwardSuffix
                let caller = producer.hasSuffix(suffix) ? String(producer.dropLast(suffix.count)) : producer
                guard let source = index[producer] ?? index[caller] else {
                    throw call.config.error(.invalidConfig, "its input '\(producer)' is not a layer of the model")
                }
                waiting[position] += 1
                consumers[source].append(position)
            }
        }
        var ready = calls.indices.filter { waiting[$0] == 0 }
        var order: [LayerCall] = []
        var cursor = 0
        while cursor < ready.count {
            let position = ready[cursor]
            cursor += 1
            order.append(calls[position])
            for consumer in consumers[position] {
                waiting[consumer] -= 1
                if waiting[consumer] == 0 { ready.append(consumer) }
            }
        }
        guard order.count == calls.count else {
            let stuck = calls.indices.filter { waiting[$0] > 0 }.map { calls[$0].config.name }
            throw GraphError(.invalidConfig, "the layer graph has a cycle through \(stuck.prefix(5).joined(separator: ", "))")
        }
        return order
    }

    /// "2.4.0" → 2; unknown versions are read as Keras 2, whose files never lacked the attribute in practice.
    static func majorVersion(_ version: String?) -> Int {
        guard let version, let first = version.split(separator: ".").first, let major = Int(first) else { return 2 }
        return major
    }
}
