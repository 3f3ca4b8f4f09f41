import KerasLensGraph

/// Where a layer's weights are stored in the file.
enum WeightLocation: Sendable, Hashable {
    /// A layer group of an HDF5 model file; `inner` names a layer of a nested model saved inside that group.
    case hdf5(group: String, inner: String?)
    /// A folder of a `.keras` archive's weights file, such as `layers/conv2d`.
    case archive(path: String)
}

/// One layer application, flattened out of (possibly nested) Sequential and Functional configurations.
struct LayerCall: Sendable {
    var config: LayerConfig
    /// Names of the producing calls, in argument order.
    var inbound: [String]
    var weights: WeightLocation
    /// The per-sample input shape, for input layers.
    var inputShape: [Int]? = nil
    /// For a later call of a shared layer, the name of the layer's first call, whose weights it uses.
    var weightsFrom: String? = nil
    /// The producer of the mask Keras 3 records as the call's `mask` keyword (tf-keras records none); the importer
    /// derives masks itself (`MaskTracker`) and checks them against this.
    var recordedMask: String? = nil
    /// How many TimeDistributed wrappers the call sits in (`Node.distributedAxes`).
    var distributedAxes: Int = 0
    /// The wrapper's class when the layer is the one a TimeDistributed wraps: the node's class, as Keras's summary
    /// shows it (`TimeDistributed`).
    var wrapper: String? = nil
}

/// Turns a Keras model configuration into a flat list of layer calls. Nested models are inlined: their layers keep
/// their own names, and the nested model's name becomes an alias of its output.
///
/// A layer called several times (a shared layer, or any layer of a nested model called several times) gives one
/// call per application: the first keeps the layer's name, the later ones are `name:1`, `name:2`, … in the order
/// the configuration lists them (Keras makes no layer name with a colon; a clash with a user's name is refused as a
/// reused name).
/// Later calls take their weights from the first (`LayerCall.weightsFrom`). The one layer whose second output tensor may
/// be read, a Bidirectional with merge_mode None, gives it as `<call>/backward` (`bidirectionalBackwardName`).
struct ModelStructure {
    let kerasMajor: Int
    let isArchive: Bool
    private(set) var calls: [LayerCall] = []
    private(set) var inputs: [String] = []
    private(set) var outputs: [String] = []
    /// Names standing for another call's output: a nested model's call for its output layer's call, a nested
    /// model's input layer for the tensor it is called on. Resolved once the whole model is read.
    private var aliases: [String: String] = [:]
    private var seenNames: Set<String> = []
    /// How many calls of each layer (by where its weights live) have been named so far, and its first call's name.
    private var callCount: [WeightLocation: Int] = [:]
    private var firstCall: [WeightLocation: String] = [:]
    /// How many TimeDistributed wrappers the calls being added sit in.
    private var distributedAxes = 0

    init(config: JSONValue, kerasMajor: Int, isArchive: Bool) throws(GraphError) {
        self.kerasMajor = kerasMajor
        self.isArchive = isArchive
        let (ins, outs) = try parseModel(config, inbound: nil, scope: Scope(hdf5Group: nil, archivePath: ""))
        inputs = ins
        outputs = outs.map(resolve)
        for index in calls.indices {
            calls[index].inbound = calls[index].inbound.map(resolve)
            calls[index].recordedMask = calls[index].recordedMask.map(resolve)
        }
        dropMaskOperations()
    }

    /// The weight location context of the model being parsed.
    private struct Scope {
        var hdf5Group: String?
        var archivePath: String
        var archiveNames: [String: Int] = [:]

        mutating func location(layer: String, kerasClass: String) -> WeightLocation {
            let snake = kerasSnakeCase(kerasClass)
            let unique: String
            if let used = archiveNames[snake] {
                archiveNames[snake] = used + 1
                unique = "\(snake)_\(used + 1)"
            } else {
                archiveNames[snake] = 0
                unique = snake
            }
            return .archive(path: archivePath.isEmpty ? "layers/\(unique)" : "\(archivePath)/layers/\(unique)")
        }
    }

    /// The names of one Functional model's layer calls in the order of its configuration, and how node indices
    /// count them.
    private struct CallTable {
        struct Layer {
            var names: [String]
            /// Node indices of calls in the configuration start here: 1 for nested models whose construction
            /// Keras counts as a call (`_should_skip_first_node` in tf-keras's functional.py).
            var firstIndex: Int
            /// A Bidirectional with merge_mode None, whose calls give a second tensor (`bidirectionalBackwardName`).
            var twoOutputs = false
        }
        var layers: [String: Layer] = [:]

        /// The name of call `node` of `layer`; nil when there is no such call.
        func name(_ layer: String, node: Int) -> String? {
            guard let entry = layers[layer] else { return nil }
            if entry.names.indices.contains(node - entry.firstIndex) { return entry.names[node - entry.firstIndex] }
            // A producer with one saved call can only be referenced through that call, whatever older files number it.
            return entry.names.count == 1 ? entry.names[0] : nil
        }

        /// The name of output `tensor` of call `node` of `layer`: the call's own for tensor 0, `<call>/backward` for
        /// a Bidirectional's second; nil for a tensor the layer does not give.
        func name(_ layer: String, node: Int, tensor: Int) -> String? {
            guard let call = name(layer, node: node) else { return nil }
            switch tensor {
            case 0: return call
            case 1 where layers[layer]?.twoOutputs == true: return bidirectionalBackwardName(call)
            default: return nil
            }
        }
    }

    private static let modelClasses: Set<String> = ["Sequential", "Functional", "Model"]
    /// tf-keras's layers for TensorFlow functions called on Keras tensors, whose inbound node is the call itself.
    private static let opLambdaClasses: Set<String> = ["TFOpLambda", "SlicingOpLambda"]

    /// Parses a model; `inbound` is the outer producers feeding a nested model (nil at the top level).
    private mutating func parseModel(_ model: JSONValue, inbound: [String]?, scope: Scope) throws(GraphError) -> ([String], [String]) {
        let className = model["class_name"]?.string ?? ""
        switch className {
        case "Sequential":
            return try parseSequential(model["config"], inbound: inbound, scope: scope)
        case "Functional", "Model":
            guard let config = model["config"], config["layers"]?.array != nil else {
                throw GraphError(.unsupported, kerasClass: className,
                                 "a subclassed model has no layer graph in its configuration; save it as a Functional or Sequential model")
            }
            return try parseFunctional(config, inbound: inbound, scope: scope)
        default:
            throw GraphError(.unsupported, layer: model["config"]?["name"]?.string ?? model["name"]?.string,
                             kerasClass: className.isEmpty ? nil : className,
                             "the model is not a Sequential or Functional model (custom or subclassed models need their Python code)")
        }
    }

    private mutating func parseSequential(_ model: JSONValue?, inbound: [String]?, scope outer: Scope) throws(GraphError) -> ([String], [String]) {
        // Keras 2.0–2.2 wrote the layer list directly as the config.
        guard let layers = model?.array ?? model?["layers"]?.array else {
            throw GraphError(.invalidConfig, kerasClass: "Sequential", "the configuration has no layer list")
        }
        var scope = outer
        var previous: String
        var modelInputs: [String] = []
        var remaining = layers[...]
        if let first = layers.first, first["class_name"]?.string == "InputLayer" {
            let config = try layerConfig(first)
            remaining = remaining.dropFirst()
            if let inbound {
                previous = nextName(config.name, location: inputLocation(config.name, scope: scope))
                aliases[previous] = try single(inbound, config)
            } else {
                try addInput(config, shape: try requiredShape(config))
                modelInputs = [config.name]
                previous = config.name
            }
        } else if let first = layers.first {
            if let inbound {
                previous = try single(inbound, try layerConfig(first))
            } else {
                let config = try layerConfig(first)
                var declared = try declaredShape(config.values)
                if declared == nil { declared = try declaredShape(buildShape(model?["build_input_shape"])) }
                guard let shape = declared else { throw missingShape(config) }
                let inputName = "\(config.name)_input"
                try addInput(LayerConfig(name: inputName, kerasClass: "InputLayer", values: [:], kerasMajor: kerasMajor), shape: shape)
                modelInputs = [inputName]
                previous = inputName
            }
        } else {
            throw GraphError(.invalidConfig, kerasClass: "Sequential", "the model has no layers")
        }
        for entry in remaining {
            let layer = try layerConfig(entry)
            let location = weightLocation(layer, archive: scope.location(layer: layer.name, kerasClass: layer.kerasClass), scope: scope)
            previous = try addCall(entry, layer: layer, name: nextName(layer.name, location: location), location: location,
                                   inbound: [previous], scope: scope)
        }
        return (modelInputs, [previous])
    }

    private mutating func parseFunctional(_ config: JSONValue, inbound: [String]?, scope outer: Scope) throws(GraphError) -> ([String], [String]) {
        var scope = outer
        let layers = config["layers"]?.array ?? []
        let inputRefs = try tensorReferences(config["input_layers"], context: "input_layers")
        let outputRefs = try tensorReferences(config["output_layers"], context: "output_layers")
        if let inbound, inbound.count != inputRefs.count {
            throw GraphError(.invalidConfig, layer: config["name"]?.string,
                             "nested model takes \(inputRefs.count) inputs but is called with \(inbound.count)")
        }
        // Every call is named first, in the configuration's order, so that a call may read one listed after it.
        var table = CallTable()
        var pending: [(entry: JSONValue, layer: LayerConfig, location: WeightLocation, names: [String])] = []
        for entry in layers {
            let layer = try layerConfig(entry)
            let archive = scope.location(layer: layer.name, kerasClass: layer.kerasClass)
            if layer.kerasClass == "InputLayer" {
                if let inbound {
                    guard let position = inputRefs.firstIndex(where: { $0.name == layer.name }) else {
                        throw layer.error(.invalidConfig, "input layer is not listed in input_layers")
                    }
                    let name = nextName(layer.name, location: inputLocation(layer.name, scope: scope))
                    aliases[name] = inbound[position]
                    table.layers[layer.name] = CallTable.Layer(names: [name], firstIndex: 0)
                } else {
                    try addInput(layer, shape: try requiredShape(layer))
                    table.layers[layer.name] = CallTable.Layer(names: [layer.name], firstIndex: 0)
                }
                continue
            }
            let nodes = entry["inbound_nodes"]?.array ?? []
            guard !nodes.isEmpty else { throw layer.error(.invalidConfig, "the layer has no inbound node") }
            let location = weightLocation(layer, archive: archive, scope: scope)
            var names: [String] = []
            for _ in nodes { names.append(nextName(layer.name, location: location)) }
            table.layers[layer.name] = CallTable.Layer(names: names, firstIndex: constructionCalls(entry, layer: layer, inbound: true),
                                                       twoOutputs: layer.kerasClass == "Bidirectional" && !layer.has("merge_mode"))
            pending.append((entry, layer, location, names))
        }
        for (entry, layer, location, names) in pending {
            let nodes = entry["inbound_nodes"]?.array ?? []
            if Self.opLambdaClasses.contains(layer.kerasClass) || Self.isKeras3Operation(entry) {
                guard nodes.count == 1 else {
                    throw layer.error(.unsupported, "a recorded function call is applied \(nodes.count) times")
                }
                let (producers, call) = try opLambdaCall(entry, node: nodes[0], layer: layer, table: table)
                var called = layer
                called.call = call
                _ = try addCall(entry, layer: called, name: names[0], location: location, inbound: producers, scope: scope)
            } else {
                for (node, name) in zip(nodes, names) {
                    var called = layer
                    let producers = try inboundNames(node, layer: layer, table: table, keywords: &called.keywords)
                    _ = try addCall(entry, layer: called, name: name, location: location, inbound: producers, scope: scope)
                    if let mask = node["kwargs"]?["mask"], mask["class_name"]?.string == "__keras_tensor__",
                       let history = mask["config"]?["keras_history"], calls.last?.config.name == name {
                        calls[calls.count - 1].recordedMask = try producer(history, layer: layer, table: table)
                    }
                }
            }
        }
        // Keras 3 numbers the input and output layers' calls as tf-keras does, unlike its inbound nodes.
        var ends = table
        for (entry, layer, _, _) in pending {
            ends.layers[layer.name]?.firstIndex = constructionCalls(entry, layer: layer, inbound: false)
        }
        var modelOutputs: [String] = []
        for reference in outputRefs {
            guard let name = ends.name(reference.name, node: reference.node, tensor: reference.tensor) else {
                if reference.tensor != 0, ends.name(reference.name, node: reference.node) != nil {
                    throw GraphError(.unsupported, layer: reference.name, "output_layers names output \(reference.tensor) of a layer, which is not supported (of the layers with several outputs, only a Bidirectional with merge_mode None is)")
                }
                throw GraphError(.invalidConfig, layer: reference.name, "output_layers names call \(reference.node) of a layer that has no such call")
            }
            modelOutputs.append(name)
        }
        let modelInputs = inbound == nil ? inputRefs.map(\.name) : []
        for name in modelInputs where !inputs.contains(name) && !calls.contains(where: { $0.config.name == name }) {
            throw GraphError(.invalidConfig, layer: name, "input_layers names a layer that is not an InputLayer of the model")
        }
        return (modelInputs, modelOutputs)
    }

    /// How many calls Keras counts for a nested model before its first saved one, as the file numbers them: tf-keras
    /// counts the construction of a nested model built from inputs (`_should_skip_first_node`); Keras 3 numbers
    /// inbound nodes from its first real call, but input and output layers after the construction of a Functional
    /// model (keras `Functional.get_config`'s reindexing).
    private func constructionCalls(_ entry: JSONValue, layer: LayerConfig, inbound: Bool) -> Int {
        switch layer.kerasClass {
        case "Functional", "Model":
            return kerasMajor >= 3 && inbound ? 0 : 1
        case "Sequential":
            guard kerasMajor < 3 else { return 0 }
            let layers = entry["config"]?["layers"]?.array ?? entry["config"]?.array ?? []
            return layers.first?["class_name"]?.string == "InputLayer" ? 1 : 0
        default:
            return 0
        }
    }

    /// The name of the next call of the layer whose weights live at `location`: the layer's name, then `name:1`, ….
    private mutating func nextName(_ layer: String, location: WeightLocation) -> String {
        let count = callCount[location, default: 0]
        callCount[location] = count + 1
        return count == 0 ? layer : "\(layer):\(count)"
    }

    /// Where a layer's weights are read from; also what identifies the layer across its calls.
    private func weightLocation(_ layer: LayerConfig, archive: WeightLocation, scope: Scope) -> WeightLocation {
        if isArchive { return archive }
        if let group = scope.hdf5Group { return .hdf5(group: group, inner: layer.name) }
        return .hdf5(group: layer.name, inner: nil)
    }

    /// An identity for a nested model's input layer (which holds no weights) across the model's calls, for
    /// `nextName`: unique per nested model, as its weight group or archive folder is.
    private func inputLocation(_ layer: String, scope: Scope) -> WeightLocation {
        .hdf5(group: (scope.hdf5Group ?? "") + "/" + scope.archivePath, inner: layer)
    }

    /// Adds one call of a layer (or inlines a call of a nested model) and returns the name carrying its output.
    private mutating func addCall(_ entry: JSONValue, layer: LayerConfig, name: String, location: WeightLocation,
                                  inbound: [String], scope: Scope, wrapper: String? = nil) throws(GraphError) -> String {
        if layer.kerasClass == "TimeDistributed" {
            return try addDistributedCall(layer: layer, name: name, location: location, inbound: inbound, scope: scope)
        }
        if Self.modelClasses.contains(layer.kerasClass) {
            return try inlineModel(entry, layer: layer, name: name, group: layer.name, location: location, inbound: inbound,
                                   scope: scope)
        }
        var call = LayerConfig(name: name, kerasClass: layer.kerasClass, values: layer.values, kerasMajor: kerasMajor)
        call.call = layer.call
        call.keywords = layer.keywords
        try claim(call)
        let first = firstCall[location, default: name]
        firstCall[location] = first
        calls.append(LayerCall(config: call, inbound: inbound, weights: location, weightsFrom: first == name ? nil : first,
                               distributedAxes: distributedAxes, wrapper: wrapper))
        return name
    }

    /// Inlines a call of a nested model, whose weights are in the HDF5 group `group` (unless an outer model's group
    /// already holds them) or under the call's archive folder; `name` then stands for the nested model's output.
    private mutating func inlineModel(_ entry: JSONValue, layer: LayerConfig, name: String, group: String,
                                      location: WeightLocation, inbound: [String], scope: Scope) throws(GraphError) -> String {
        var nested = Scope(hdf5Group: scope.hdf5Group ?? group, archivePath: "")
        if case .archive(let path) = location { nested.archivePath = path }
        let (_, outs) = try parseModel(entry, inbound: inbound, scope: nested)
        aliases[name] = try single(outs, layer)
        return name
    }

    /// Removes Keras 3's operations that only compute masks (`NotEqual`, `Any`, … read only as `mask` keywords or by
    /// other such operations): the importer derives the same masks as mask nodes of its own.
    private mutating func dropMaskOperations() {
        guard calls.contains(where: { $0.recordedMask != nil }) else { return }
        var maskOnly = Set(calls.filter { $0.config.call?.function.hasPrefix("keras.src.ops.") ?? false }.map(\.config.name))
        var changed = true
        while changed {
            changed = false
            for call in calls where !maskOnly.contains(call.config.name) {
                for producer in call.inbound where maskOnly.remove(producer) != nil { changed = true }
            }
            for output in outputs where maskOnly.remove(output) != nil { changed = true }
        }
        calls.removeAll { maskOnly.contains($0.config.name) }
    }

    /// A call of TimeDistributed: its inner layer called under the wrapper's name (a nested model: each of its
    /// layers) with one more distributed axis. The inner layer's weights are the wrapper's in an HDF5 file
    /// (`td/kernel:0`, or `td/<inner layer>/kernel` for a nested model's), and under `<wrapper folder>/layer` in a
    /// `.keras` archive.
    private mutating func addDistributedCall(layer: LayerConfig, name: String, location: WeightLocation,
                                             inbound: [String], scope: Scope) throws(GraphError) -> String {
        guard let innerEntry = layer.values["layer"] else {
            throw layer.error(.invalidConfig, "option 'layer' is not a layer configuration")
        }
        let inner = try layer.wrapped("layer")
        _ = try single(inbound, layer)
        var innerLocation = location
        if case .archive(let path) = location { innerLocation = .archive(path: "\(path)/layer") }
        distributedAxes += 1
        defer { distributedAxes -= 1 }
        if Self.modelClasses.contains(inner.kerasClass) {
            // The wrapper's HDF5 group holds the nested model's weights.
            return try inlineModel(innerEntry, layer: layer, name: name, group: layer.name, location: innerLocation,
                                   inbound: inbound, scope: scope)
        }
        return try addCall(innerEntry, layer: inner, name: name, location: innerLocation, inbound: inbound, scope: scope,
                           wrapper: "TimeDistributed")
    }

    private mutating func addInput(_ layer: LayerConfig, shape: [Int]) throws(GraphError) {
        try claim(layer)
        calls.append(LayerCall(config: layer, inbound: [], weights: .hdf5(group: layer.name, inner: nil), inputShape: shape))
    }

    private mutating func claim(_ layer: LayerConfig) throws(GraphError) {
        guard seenNames.insert(layer.name).inserted else {
            throw layer.error(.unsupported, "the layer name is used twice (a shared layer or a nested model reusing a name is not supported)")
        }
    }

    private func resolve(_ name: String) -> String {
        var current = name
        var hops = 0
        while let next = aliases[current], hops < 64 {
            current = next
            hops += 1
        }
        return current
    }

    private func layerConfig(_ entry: JSONValue) throws(GraphError) -> LayerConfig {
        guard let className = entry["class_name"]?.string else {
            throw GraphError(.invalidConfig, "a layer entry has no class_name")
        }
        let values = entry["config"]?.object ?? [:]
        guard let name = entry["name"]?.string ?? values["name"]?.string else {
            throw GraphError(.invalidConfig, kerasClass: className, "a layer has no name")
        }
        return LayerConfig(name: name, kerasClass: className, values: values, kerasMajor: kerasMajor)
    }

    private func single(_ names: [String], _ layer: LayerConfig) throws(GraphError) -> String {
        guard names.count == 1 else { throw layer.error(.unsupported, "expects one input or output, found \(names.count)") }
        return names[0]
    }

    private func missingShape(_ layer: LayerConfig) -> GraphError {
        layer.error(.invalidConfig, "the model declares no input shape")
    }

    private func requiredShape(_ layer: LayerConfig) throws(GraphError) -> [Int] {
        guard let shape = try declaredShape(layer.values) else { throw missingShape(layer) }
        return shape
    }

    /// `batch_input_shape` (Keras 2) or `batch_shape` (Keras 3) without the batch axis.
    private func declaredShape(_ values: [String: JSONValue]) throws(GraphError) -> [Int]? {
        guard let list = (values["batch_input_shape"] ?? values["batch_shape"])?.array, !list.isEmpty else { return nil }
        return try staticShape(Array(list.dropFirst()), layer: values["name"]?.string)
    }

    private func buildShape(_ value: JSONValue?) -> [String: JSONValue] {
        guard let value, !value.isNull else { return [:] }
        return ["batch_input_shape": value]
    }

    /// The declared per-sample shape; an open (`null`) dimension becomes `openDimension`.
    private func staticShape(_ dims: [JSONValue], layer: String?) throws(GraphError) -> [Int] {
        var shape: [Int] = []
        for dim in dims {
            if dim.isNull {
                shape.append(openDimension)
                continue
            }
            guard let size = dim.int, size > 0 else {
                throw GraphError(.unsupported, layer: layer, kerasClass: "InputLayer",
                                 "input shape has an invalid dimension (\(dims.map { $0.int.map(String.init) ?? "None" }))")
            }
            shape.append(size)
        }
        return shape
    }

    /// The `[layer, node, tensor]` triples of `input_layers`/`output_layers`: a list of them, or one bare triple.
    private func tensorReferences(_ value: JSONValue?, context: String) throws(GraphError) -> [(name: String, node: Int, tensor: Int)] {
        guard let list = value?.array else { throw GraphError(.invalidConfig, "the Functional model has no \(context)") }
        if list.first?.string != nil { return [try reference(value!, context: context)] }
        var references: [(name: String, node: Int, tensor: Int)] = []
        for item in list { references.append(try reference(item, context: context)) }
        return references
    }

    private func reference(_ triple: JSONValue, context: String) throws(GraphError) -> (name: String, node: Int, tensor: Int) {
        guard let items = triple.array, let name = items.first?.string else {
            throw GraphError(.invalidConfig, "\(context) holds an entry that is not [layer, node, tensor]")
        }
        let tensor = items.count > 2 ? items[2].int ?? 0 : 0
        if tensor != 0, context == "input_layers" {
            throw GraphError(.unsupported, layer: name, "layers with several outputs are not supported")
        }
        return (name, items.count > 1 ? items[1].int ?? 0 : 0, tensor)
    }

    /// Tensors a layer's call takes by keyword after its positional ones, in the order of the call's parameters:
    /// `mha(query, value=v, key=k)`. Keras 3's `mask` keyword is read apart (`LayerCall.recordedMask`); any other
    /// keyword tensor (tf-keras's explicit `mask=`, Keras 3's `query_mask`, several masks) is refused.
    static let tensorParameters: [String: [String]] = ["MultiHeadAttention": ["query", "value", "key"]]

    /// Producer names of one call of a Functional layer, in either Keras 2's nested lists or Keras 3's
    /// `__keras_tensor__` form: the positional tensors, then the keyword tensors the layer's call takes
    /// (`tensorParameters`). The other keyword arguments go to `keywords`.
    private func inboundNames(_ node: JSONValue, layer: LayerConfig, table: CallTable,
                              keywords: inout [String: JSONValue]) throws(GraphError) -> [String] {
        var names: [String] = []
        var tensors: [String: String] = [:]
        if let arguments = node["args"] {
            try collectHistories(arguments, into: &names, layer: layer, table: table)
            for (key, value) in node["kwargs"]?.object ?? [:] {
                var found: [String] = []
                try collectHistories(value, into: &found, layer: layer, table: table)
                // One recorded mask tensor is not an input: the caller reads it as the call's `recordedMask`.
                if key == "mask", found.count == 1, value["class_name"]?.string == "__keras_tensor__" { continue }
                if found.isEmpty { keywords[key] = value } else if found.count == 1, value.array == nil { tensors[key] = found[0] } else {
                    throw layer.error(.unsupported, "call argument '\(key)' passes tensors, which is not supported")
                }
            }
        } else if let list = node.array {
            for item in list {
                names.append(try producer(item, layer: layer, table: table))
                // tf-keras repeats the call's keyword arguments in every entry; a tensor among them is [layer, node, tensor].
                let itemKeywords: [String: JSONValue] = item.array.flatMap { $0.count > 3 ? $0[3].object : nil } ?? [:]
                for (key, value) in itemKeywords {
                    if let parts = value.array, parts.count >= 3, parts[0].string != nil, parts[1].int != nil, parts[2].int != nil {
                        tensors[key] = try producer(value, layer: layer, table: table)
                    } else {
                        keywords[key] = value
                    }
                }
            }
        } else {
            throw layer.error(.invalidConfig, "inbound node has an unknown form")
        }
        for parameter in (Self.tensorParameters[layer.kerasClass] ?? []).dropFirst(names.count) {
            guard let tensor = tensors.removeValue(forKey: parameter) else { break }
            names.append(tensor)
        }
        guard !names.isEmpty else { throw layer.error(.invalidConfig, "the layer has no inputs") }
        if let key = tensors.keys.sorted().first {
            throw layer.error(.unsupported, "call argument '\(key)' passes a tensor, which is not supported")
        }
        return names
    }

    /// Keras 3 records an operation called on Keras tensors (`x + 3.0`) as a node whose module is an ops module
    /// rather than a layers module.
    private static func isKeras3Operation(_ entry: JSONValue) -> Bool {
        entry["module"]?.string?.hasPrefix("keras.src.ops.") ?? false
    }

    /// The producers and recorded call of a `TFOpLambda` or `SlicingOpLambda` layer or a Keras 3 operation node
    /// (see `OpLambdaCall`).
    private func opLambdaCall(_ entry: JSONValue, node: JSONValue, layer: LayerConfig, table: CallTable) throws(GraphError) -> ([String], OpLambdaCall) {
        var reader = OpLambdaCallReader(layer: layer) { (triple) throws(GraphError) in try producer(triple, layer: layer, table: table) }
        let call: OpLambdaCall
        if let module = entry["module"]?.string, Self.isKeras3Operation(entry) {
            call = try reader.readKeras3(node, module: module)
        } else {
            call = try reader.read(node)
        }
        guard !reader.producers.isEmpty else { throw layer.error(.invalidConfig, "the call has no tensor input") }
        return (reader.producers, call)
    }

    /// The name of the call a `[layer, node, tensor, …]` reference reads.
    private func producer(_ item: JSONValue, layer: LayerConfig, table: CallTable) throws(GraphError) -> String {
        guard let parts = item.array, parts.count >= 3, let name = parts[0].string,
              let node = parts[1].int, let tensor = parts[2].int else {
            throw layer.error(.invalidConfig, "an inbound entry is not [layer, node, tensor, kwargs]")
        }
        guard table.layers[name] != nil else { throw layer.error(.invalidConfig, "its input '\(name)' is not a layer of the model") }
        guard table.name(name, node: node) != nil else {
            throw layer.error(.invalidConfig, "input '\(name)' refers to call \(node) of a layer with \(table.layers[name]!.names.count) calls")
        }
        guard let output = table.name(name, node: node, tensor: tensor) else {
            throw layer.error(.unsupported, "input '\(name)' is output \(tensor) of a layer, which is not supported (of the layers with several outputs, only a Bidirectional with merge_mode None is)")
        }
        return output
    }

    private func collectHistories(_ value: JSONValue, into names: inout [String], layer: LayerConfig, table: CallTable) throws(GraphError) {
        if value["class_name"]?.string == "__keras_tensor__" {
            guard let history = value["config"]?["keras_history"] else {
                throw layer.error(.invalidConfig, "an input tensor has no keras_history")
            }
            names.append(try producer(history, layer: layer, table: table))
        } else if let list = value.array {
            for item in list { try collectHistories(item, into: &names, layer: layer, table: table) }
        }
    }
}
