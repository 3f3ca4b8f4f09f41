import KerasLensGraph

/// Where a layer's weights are stored in the file.
enum WeightLocation: Sendable, Equatable {
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
    var inputShape: [Int]?
}

/// Turns a Keras model configuration into a flat list of layer calls. Nested models are inlined: their layers keep
/// their own names, and the nested model's name becomes an alias of its output.
struct ModelStructure {
    let kerasMajor: Int
    let isArchive: Bool
    private(set) var calls: [LayerCall] = []
    private(set) var inputs: [String] = []
    private(set) var outputs: [String] = []
    private var aliases: [String: String] = [:]
    private var seenNames: Set<String> = []
    /// How many calls each Functional model's layer has in the saved graph (its `inbound_nodes`).
    private var savedCalls: [String: Int] = [:]

    init(config: JSONValue, kerasMajor: Int, isArchive: Bool) throws(GraphError) {
        self.kerasMajor = kerasMajor
        self.isArchive = isArchive
        let (ins, outs) = try parseModel(config, inbound: nil, scope: Scope(hdf5Group: nil, archivePath: ""))
        inputs = ins
        outputs = outs
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
                aliases[config.name] = try single(inbound, config)
            } else {
                try addInput(config, shape: try requiredShape(config))
                modelInputs = [config.name]
            }
            previous = resolve(config.name)
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
            previous = try parseLayer(entry, inbound: [previous], scope: &scope)
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
        for entry in layers {
            if let name = entry["name"]?.string ?? entry["config"]?["name"]?.string {
                savedCalls[name] = entry["inbound_nodes"]?.array?.count ?? 0
            }
        }
        var pending: [(JSONValue, LayerConfig)] = []
        for entry in layers {
            let layer = try layerConfig(entry)
            if layer.kerasClass == "InputLayer" {
                _ = scope.location(layer: layer.name, kerasClass: layer.kerasClass)
                if let inbound {
                    guard let position = inputRefs.firstIndex(of: layer.name) else {
                        throw layer.error(.invalidConfig, "input layer is not listed in input_layers")
                    }
                    aliases[layer.name] = inbound[position]
                } else {
                    try addInput(layer, shape: try requiredShape(layer))
                }
            } else {
                pending.append((entry, layer))
            }
        }
        for (entry, layer) in pending {
            if Self.opLambdaClasses.contains(layer.kerasClass) || Self.isKeras3Operation(entry) {
                let (producers, call) = try opLambdaCall(entry, layer: layer)
                _ = try parseLayer(entry, inbound: producers, scope: &scope, call: call)
            } else {
                _ = try parseLayer(entry, inbound: try inboundNames(entry, layer: layer), scope: &scope)
            }
        }
        let modelInputs = inbound == nil ? inputRefs : []
        for name in modelInputs where !inputs.contains(name) && !calls.contains(where: { $0.config.name == name }) {
            throw GraphError(.invalidConfig, layer: name, "input_layers names a layer that is not an InputLayer of the model")
        }
        return (modelInputs, outputRefs.map(resolve))
    }

    /// Adds one layer (or inlines a nested model) and returns the name of the node carrying its output.
    private mutating func parseLayer(_ entry: JSONValue, inbound: [String], scope: inout Scope,
                                     call: OpLambdaCall? = nil) throws(GraphError) -> String {
        var layer = try layerConfig(entry)
        layer.call = call
        let location = scope.location(layer: layer.name, kerasClass: layer.kerasClass)
        if Self.modelClasses.contains(layer.kerasClass) {
            var nested = Scope(hdf5Group: scope.hdf5Group ?? layer.name, archivePath: "")
            if case .archive(let path) = location { nested.archivePath = path }
            let (_, outs) = try parseModel(entry, inbound: inbound.map(resolve), scope: nested)
            aliases[layer.name] = try single(outs, layer)
            return resolve(layer.name)
        }
        try claim(layer)
        let weights: WeightLocation
        if isArchive {
            weights = location
        } else if let group = scope.hdf5Group {
            weights = .hdf5(group: group, inner: layer.name)
        } else {
            weights = .hdf5(group: layer.name, inner: nil)
        }
        calls.append(LayerCall(config: layer, inbound: inbound.map(resolve), weights: weights))
        return layer.name
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

    private func staticShape(_ dims: [JSONValue], layer: String?) throws(GraphError) -> [Int] {
        var shape: [Int] = []
        for dim in dims {
            guard let size = dim.int, size > 0 else {
                throw GraphError(.unsupported, layer: layer, kerasClass: "InputLayer",
                                 "input shape has an open or invalid dimension (\(dims.map { $0.int.map(String.init) ?? "None" })); KerasLens needs fixed input shapes")
            }
            shape.append(size)
        }
        return shape
    }

    /// Names in `input_layers`/`output_layers`: a list of [name, node, tensor] triples, or one bare triple.
    private func tensorReferences(_ value: JSONValue?, context: String) throws(GraphError) -> [String] {
        guard let list = value?.array else { throw GraphError(.invalidConfig, "the Functional model has no \(context)") }
        if list.first?.string != nil { return [try reference(value!, context: context)] }
        var names: [String] = []
        for item in list { names.append(try reference(item, context: context)) }
        return names
    }

    private func reference(_ triple: JSONValue, context: String) throws(GraphError) -> String {
        guard let items = triple.array, let name = items.first?.string else {
            throw GraphError(.invalidConfig, "\(context) holds an entry that is not [layer, node, tensor]")
        }
        if items.count > 2, let tensor = items[2].int, tensor != 0 {
            throw GraphError(.unsupported, layer: name, "layers with several outputs are not supported")
        }
        return name
    }

    /// Producer names of a Functional layer's single call, in either Keras 2's nested lists or Keras 3's
    /// `__keras_tensor__` form.
    private func inboundNames(_ entry: JSONValue, layer: LayerConfig) throws(GraphError) -> [String] {
        let nodes = entry["inbound_nodes"]?.array ?? []
        guard nodes.count == 1 else {
            throw layer.error(nodes.isEmpty ? .invalidConfig : .unsupported,
                              nodes.isEmpty ? "the layer has no inbound node" : "the layer is called \(nodes.count) times (shared layers are not supported)")
        }
        var names: [String] = []
        if let arguments = nodes[0]["args"] {
            try collectHistories(arguments, into: &names, layer: layer)
        } else if let list = nodes[0].array {
            for item in list { names.append(try keras2Reference(item, layer: layer)) }
        } else {
            throw layer.error(.invalidConfig, "inbound node has an unknown form")
        }
        guard !names.isEmpty else { throw layer.error(.invalidConfig, "the layer has no inputs") }
        return names
    }

    /// Keras 3 records an operation called on Keras tensors (`x + 3.0`) as a node whose module is an ops module
    /// rather than a layers module.
    private static func isKeras3Operation(_ entry: JSONValue) -> Bool {
        entry["module"]?.string?.hasPrefix("keras.src.ops.") ?? false
    }

    /// The producers and recorded call of a `TFOpLambda` or `SlicingOpLambda` layer or a Keras 3 operation node
    /// (see `OpLambdaCall`).
    private func opLambdaCall(_ entry: JSONValue, layer: LayerConfig) throws(GraphError) -> ([String], OpLambdaCall) {
        let nodes = entry["inbound_nodes"]?.array ?? []
        guard nodes.count == 1 else {
            throw layer.error(nodes.isEmpty ? .invalidConfig : .unsupported,
                              nodes.isEmpty ? "the layer has no inbound node" : "the layer is called \(nodes.count) times (shared layers are not supported)")
        }
        var reader = OpLambdaCallReader(layer: layer) { (triple) throws(GraphError) in try keras2Reference(triple, layer: layer) }
        let call: OpLambdaCall
        if let module = entry["module"]?.string, Self.isKeras3Operation(entry) {
            call = try reader.readKeras3(nodes[0], module: module)
        } else {
            call = try reader.read(nodes[0])
        }
        guard !reader.producers.isEmpty else { throw layer.error(.invalidConfig, "the call has no tensor input") }
        return (reader.producers, call)
    }

    private func keras2Reference(_ item: JSONValue, layer: LayerConfig) throws(GraphError) -> String {
        guard let parts = item.array, parts.count >= 3, let name = parts[0].string,
              let node = parts[1].int, let tensor = parts[2].int else {
            throw layer.error(.invalidConfig, "an inbound entry is not [layer, node, tensor, kwargs]")
        }
        // A node index counts every call of the producer, those outside the saved graph too: tf-keras's nested
        // Sequential built from an Input has its own construction as call 0, so ConvNeXt's stem is referenced as
        // call 1. A producer with one saved call can only be referenced through that call.
        guard node == 0 || savedCalls[name] == 1 else {
            throw layer.error(.unsupported, "input '\(name)' comes from a shared layer's call \(node)")
        }
        guard tensor == 0 else { throw layer.error(.unsupported, "input '\(name)' is output \(tensor) of a multi-output layer") }
        return name
    }

    private func collectHistories(_ value: JSONValue, into names: inout [String], layer: LayerConfig) throws(GraphError) {
        if value["class_name"]?.string == "__keras_tensor__" {
            guard let history = value["config"]?["keras_history"] else {
                throw layer.error(.invalidConfig, "an input tensor has no keras_history")
            }
            names.append(try keras2Reference(history, layer: layer))
        } else if let list = value.array {
            for item in list { try collectHistories(item, into: &names, layer: layer) }
        }
    }
}
