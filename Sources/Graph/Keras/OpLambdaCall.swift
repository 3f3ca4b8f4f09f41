import KerasLensGraph

/// One recorded call of a TensorFlow function on Keras tensors: tf-keras saves `x * 2.0`, `tf.nn.relu(x)` or
/// `x[..., :3]` as a `TFOpLambda` or `SlicingOpLambda` layer whose inbound node is the call itself,
/// `[producer, node, tensor, {keyword arguments}]` (or `["_CONSTANT_VALUE", -1, value, {…}]` when the first argument
/// is a constant, or a list of those when it is a list, as for `tf.concat`). Other positional arguments are stored
/// as keywords under their parameter names; a tensor among them is `[producer, node, tensor]`.
struct OpLambdaCall: Sendable {
    /// An argument: the i-th tensor input of the layer, a constant, or a list of arguments.
    indirect enum Argument: Sendable {
        case tensor(Int)
        case constant(JSONValue)
        case list([Argument])
    }

    /// The function's full name: `tf.` and tf-keras's name (`tf.math.multiply`, `tf.__operators__.getitem`), or
    /// a Keras 3 operation's module and class (`keras.src.ops.numpy.Add`).
    var function: String
    var first: Argument
    var keywords: [String: Argument]

    /// A keyword argument that is a constant (nil when absent or JSON null).
    func constant(_ key: String) -> JSONValue? {
        guard case .constant(let value)? = keywords[key], !value.isNull else { return nil }
        return value
    }
}

/// Reads a call and names its tensor inputs in order (the first argument's, then the keywords' by name).
struct OpLambdaCallReader {
    private(set) var producers: [String] = []
    let layer: LayerConfig
    /// Checks a `[producer, node, tensor]` reference and returns the producer's name.
    let reference: (JSONValue) throws(GraphError) -> String

    mutating func read(_ node: JSONValue) throws(GraphError) -> OpLambdaCall {
        guard let function = layer.values["function"]?.string else {
            throw layer.error(.invalidConfig, "the layer records no function")
        }
        var keywords: [String: JSONValue] = [:]
        let first = try firstArgument(node, keywords: &keywords)
        var arguments: [String: OpLambdaCall.Argument] = [:]
        for key in keywords.keys.sorted() { arguments[key] = try argument(keywords[key]!) }
        return OpLambdaCall(function: "tf.\(function)", first: first, keywords: arguments)
    }

    /// Keras 3's form: `{"args": [first, second, …], "kwargs": {…}}` with tensors as `__keras_tensor__` objects;
    /// the second positional argument is stored as `y` (every Keras 3 operation read here is binary).
    mutating func readKeras3(_ node: JSONValue, module: String) throws(GraphError) -> OpLambdaCall {
        guard let arguments = node["args"]?.array, let firstValue = arguments.first else {
            throw layer.error(.invalidConfig, "the operation's call has no arguments")
        }
        let first = try keras3Argument(firstValue)
        var keywords: [String: OpLambdaCall.Argument] = [:]
        if arguments.count > 1 { keywords["y"] = try keras3Argument(arguments[1]) }
        guard arguments.count <= 2 else { throw layer.error(.unsupported, "operations with \(arguments.count) arguments are not supported") }
        for (key, value) in (node["kwargs"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) { keywords[key] = try keras3Argument(value) }
        return OpLambdaCall(function: "\(module).\(layer.kerasClass)", first: first, keywords: keywords)
    }

    /// A `__keras_tensor__` is a tensor input; a `__tensor__` (a constant array) is its `value`.
    private mutating func keras3Argument(_ value: JSONValue) throws(GraphError) -> OpLambdaCall.Argument {
        if value["class_name"]?.string == "__tensor__", let constant = value["config"]?["value"] { return .constant(constant) }
        guard value["class_name"]?.string == "__keras_tensor__" else { return .constant(value) }
        guard let history = value["config"]?["keras_history"] else {
            throw layer.error(.invalidConfig, "an input tensor has no keras_history")
        }
        return try tensor(history)
    }

    /// The first argument: one `[producer, node, tensor, kwargs]` entry or a list of them; `kwargs` (the same in
    /// every entry) is returned through `keywords`.
    private mutating func firstArgument(_ entry: JSONValue, keywords: inout [String: JSONValue]) throws(GraphError) -> OpLambdaCall.Argument {
        guard let parts = entry.array else { throw layer.error(.invalidConfig, "the call's first argument has an unknown form") }
        guard let head = parts.first?.string else {
            var items: [OpLambdaCall.Argument] = []
            for part in parts { items.append(try firstArgument(part, keywords: &keywords)) }
            return .list(items)
        }
        guard parts.count >= 3 else { throw layer.error(.invalidConfig, "an inbound entry is not [layer, node, tensor, kwargs]") }
        if parts.count > 3, let object = parts[3].object { keywords = object }
        if head == "_CONSTANT_VALUE" { return .constant(parts[2]) }
        return try tensor(JSONValue.array(Array(parts.prefix(3))))
    }

    private mutating func argument(_ value: JSONValue) throws(GraphError) -> OpLambdaCall.Argument {
        if let parts = value.array, parts.count == 3, parts[0].string != nil, parts[1].int != nil, parts[2].int != nil {
            return try tensor(value)
        }
        return .constant(value)
    }

    private mutating func tensor(_ triple: JSONValue) throws(GraphError) -> OpLambdaCall.Argument {
        producers.append(try reference(triple))
        return .tensor(producers.count - 1)
    }
}
