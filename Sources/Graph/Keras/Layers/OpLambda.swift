import KerasLensGraph

/// tf-keras's `TFOpLambda` and `SlicingOpLambda` layers and Keras 3's operation nodes: the recorded function,
/// looked up in `opLambdaFunctions`, becomes one op; any other function is refused by name.
@Sendable func buildOpLambda(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    guard let call = config.call else { throw config.error(.invalidConfig, "the layer has no recorded call") }
    guard let function = opLambdaFunctions[call.function] else {
        throw config.error(.unsupported, "function \(call.function) is not supported")
    }
    return BuiltLayer(op: try function.op(OpLambdaContext(call: call, config: config, inputs: inputs)))
}

/// One recorded call with its layer's input shapes, and readers for its arguments whose errors name the function.
struct OpLambdaContext {
    let call: OpLambdaCall
    let config: LayerConfig
    let inputs: [[Int]]

    /// The per-sample shape of the first argument's tensor.
    var input: [Int] { inputs.first ?? [] }

    func error(_ detail: String) -> GraphError {
        config.error(.unsupported, "\(call.function): \(detail)")
    }

    /// Requires the first argument to be the layer's only tensor.
    func unaryInput() throws(GraphError) {
        guard case .tensor = call.first, inputs.count == 1 else { throw error("expects one tensor argument") }
    }

    func number(_ key: String, default fallback: Float) throws(GraphError) -> Float {
        guard let value = call.constant(key) else { return fallback }
        guard let number = value.number else { throw error("argument '\(key)' is not a number") }
        return Float(number)
    }

    func bool(_ key: String, default fallback: Bool) throws(GraphError) -> Bool {
        guard let value = call.constant(key) else { return fallback }
        guard let bool = value.bool else { throw error("argument '\(key)' is not true or false") }
        return bool
    }

    /// An integer or a list of integers (nil when absent).
    func ints(_ key: String) throws(GraphError) -> [Int]? {
        guard let value = call.constant(key) else { return nil }
        if let single = value.int { return [single] }
        guard let list = value.array else { throw error("argument '\(key)' is not an integer or a list of integers") }
        var result: [Int] = []
        for item in list {
            guard let int = item.int else { throw error("argument '\(key)' holds a non-integer") }
            result.append(int)
        }
        return result
    }

    /// A batched axis (1…rank of the per-sample shape `rank`), never the batch axis.
    func featureAxis(_ axis: Int, rank: Int) throws(GraphError) -> Int {
        let resolved = axis < 0 ? axis + rank + 1 : axis
        guard resolved >= 1, resolved <= rank else {
            throw error("axis \(axis) is not a feature axis of a rank-\(rank + 1) tensor")
        }
        return resolved
    }
}

/// What a recorded function does; `op(_:)` builds it from the call's arguments.
enum OpLambdaFunction: Sendable {
    case arithmetic(ArithmeticKind)
    case activation(Activation)
    case leakyReLU, swish, gelu, softmax, negative, clipByValue
    case reduction(ReduceKind), keras3Reduction(ReduceKind)
    case reshape, expandDims, squeeze, transpose, concat, getItem
    case imageResize, keras3ImageResize

    func op(_ context: OpLambdaContext) throws(GraphError) -> Op {
        switch self {
        case .arithmetic(let kind):
            return try arithmeticOp(kind, context)
        case .activation(let activation):
            try context.unaryInput()
            return .activation(activation)
        case .leakyReLU:
            try context.unaryInput()
            return .activation(.leakyReLU(alpha: try context.number("alpha", default: 0.2)))
        case .swish:
            try context.unaryInput()
            guard try context.number("beta", default: 1) == 1 else { throw context.error("beta other than 1 is not supported") }
            return .activation(.swish)
        case .gelu:
            try context.unaryInput()
            return .activation(.gelu(approximate: try context.bool("approximate", default: false)))
        case .softmax:
            try context.unaryInput()
            let axis = try context.ints("axis") ?? [-1]
            guard axis.count == 1 else { throw context.error("softmax over several axes is not supported") }
            return .activation(.softmax(axis: try context.featureAxis(axis[0], rank: context.input.count)))
        case .negative:
            try context.unaryInput()
            return .rescaling(scale: [-1], offset: [0])
        case .clipByValue: return try clipByValueOp(context)
        case .reduction(let kind):
            return try reductionOp(kind, axes: try context.ints("axis"), keepDims: try context.bool("keepdims", default: false), context)
        case .keras3Reduction(let kind):
            return try keras3ReductionOp(kind, context)
        case .reshape: return try reshapeOp(context)
        case .expandDims: return try expandDimsOp(context)
        case .squeeze: return try squeezeOp(context)
        case .transpose: return try transposeOp(context)
        case .concat: return try concatOp(context)
        case .getItem: return try getItemOp(context)
        case .imageResize: return try imageResizeOp(context)
        case .keras3ImageResize: return try keras3ImageResizeOp(context)
        }
    }
}

/// Recorded function name → what it does. README lists the same functions.
let opLambdaFunctions: [String: OpLambdaFunction] = {
    var table: [String: OpLambdaFunction] = [
        "tf.nn.elu": .activation(.elu(alpha: 1)), "tf.nn.leaky_relu": .leakyReLU, "tf.nn.silu": .swish, "tf.nn.swish": .swish,
        "tf.nn.gelu": .gelu, "tf.nn.softmax": .softmax, "tf.math.softmax": .softmax, "tf.math.negative": .negative,
        "tf.clip_by_value": .clipByValue, "tf.math.reduce_mean": .reduction(.mean),
        "tf.math.reduce_max": .reduction(.max), "tf.math.reduce_sum": .reduction(.sum), "tf.math.reduce_min": .reduction(.min),
        "tf.reshape": .reshape, "tf.expand_dims": .expandDims,
        "tf.squeeze": .squeeze, "tf.compat.v1.squeeze": .squeeze, "tf.transpose": .transpose,
        "tf.compat.v1.transpose": .transpose, "tf.concat": .concat,
        "tf.__operators__.getitem": .getItem, "tf.image.resize": .imageResize,
    ]
    let arithmetic: [([String], ArithmeticKind)] = [
        (["tf.__operators__.add", "tf.math.add"], .add), (["tf.math.subtract", "tf.__operators__.sub"], .subtract),
        (["tf.math.multiply", "tf.__operators__.mul"], .multiply),
        (["tf.math.truediv", "tf.math.divide", "tf.__operators__.truediv"], .divide),
        (["tf.math.maximum"], .maximum), (["tf.math.minimum"], .minimum),
    ]
    for (names, kind) in arithmetic { for name in names { table[name] = .arithmetic(kind) } }
    // Keras 3's operation nodes (`x + 3.0` on a Keras tensor), whose second positional argument is read as `y`.
    let keras3: [(String, ArithmeticKind)] = [("Add", .add), ("Subtract", .subtract), ("Multiply", .multiply),
                                              ("Divide", .divide), ("TrueDivide", .divide), ("Maximum", .maximum),
                                              ("Minimum", .minimum)]
    for (name, kind) in keras3 { table["keras.src.ops.numpy.\(name)"] = .arithmetic(kind) }
    table["keras.src.ops.image.Resize"] = .keras3ImageResize
    for (name, kind) in [("Mean", ReduceKind.mean), ("Sum", .sum), ("Max", .max), ("Min", .min)] {
        table["keras.src.ops.numpy.\(name)"] = .keras3Reduction(kind)
    }
    let activations: [([String], Activation)] = [
        (["tf.nn.relu"], .relu), (["tf.nn.relu6"], .relu6), (["tf.math.sigmoid", "tf.nn.sigmoid", "tf.sigmoid"], .sigmoid),
        (["tf.math.tanh", "tf.nn.tanh", "tf.tanh"], .tanh), (["tf.nn.selu"], .selu), (["tf.math.softplus", "tf.nn.softplus"], .softplus),
        (["tf.math.softsign", "tf.nn.softsign"], .softsign), (["tf.math.exp", "tf.exp"], .exponential),
    ]
    for (names, activation) in activations { for name in names { table[name] = .activation(activation) } }
    return table
}()

enum ArithmeticKind: Sendable { case add, subtract, multiply, divide, maximum, minimum }

/// `x ∘ y`: two tensors become a broadcasting merge; a tensor and a constant (a number, or one per channel) an
/// affine rescaling.
func arithmeticOp(_ kind: ArithmeticKind, _ context: OpLambdaContext) throws(GraphError) -> Op {
    guard let second = context.call.keywords["y"] else { throw context.error("the call has no second argument 'y'") }
    switch (context.call.first, second) {
    case (.tensor(0), .tensor(1)):
        switch kind {
        case .add: return .merge(.add)
        case .subtract: return .merge(.subtract)
        case .multiply: return .merge(.multiply)
        case .maximum: return .merge(.maximum)
        case .minimum: return .merge(.minimum)
        case .divide: return .merge(.divide)
        }
    case (.tensor(0), .constant(let value)):
        let c = try channelConstant(value, context)
        switch kind {
        case .add: return .rescaling(scale: [1], offset: c)
        case .subtract: return .rescaling(scale: [1], offset: c.map { -$0 })
        case .multiply: return .rescaling(scale: c, offset: [0])
        case .divide: return .rescaling(scale: c.map { 1 / $0 }, offset: [0])
        case .maximum, .minimum: throw context.error("a constant operand is not supported")
        }
    case (.constant(let value), .tensor(0)):
        let c = try channelConstant(value, context)
        switch kind {
        case .add: return .rescaling(scale: [1], offset: c)
        case .subtract: return .rescaling(scale: [-1], offset: c)
        case .multiply: return .rescaling(scale: c, offset: [0])
        case .divide, .maximum, .minimum: throw context.error("a constant first operand is not supported")
        }
    default:
        throw context.error("expects a tensor and a tensor or a constant")
    }
}

/// A constant operand: a number, or a list with one number per channel (it broadcasts along the last axis).
private func channelConstant(_ value: JSONValue, _ context: OpLambdaContext) throws(GraphError) -> [Float] {
    if let number = value.number { return [Float(number)] }
    let numbers = value.array?.compactMap(\.number) ?? []
    guard let list = value.array, numbers.count == list.count, numbers.count == 1 || numbers.count == context.input.last else {
        throw context.error("a constant operand must be a number or one number per channel (\(context.input.last ?? 0))")
    }
    return numbers.map(Float.init)
}

/// `tf.clip_by_value(x, 0, m)`, which is ReLU capped at `m`; other lower bounds are refused.
func clipByValueOp(_ context: OpLambdaContext) throws(GraphError) -> Op {
    try context.unaryInput()
    guard let low = context.call.constant("clip_value_min")?.number, let high = context.call.constant("clip_value_max")?.number,
          low == 0, high > 0 else {
        throw context.error("only constant bounds 0 and a positive maximum are supported")
    }
    return .activation(.clippedReLU(maxValue: Float(high), negativeSlope: 0, threshold: 0))
}

/// A mean, sum, maximum or minimum over some feature axes (`raw`, nil for every axis, which takes in the batch and
/// is refused). A mean or maximum over exactly the spatial axes is global pooling, as Keras's layers compute it.
func reductionOp(_ kind: ReduceKind, axes raw: [Int]?, keepDims: Bool, _ context: OpLambdaContext) throws(GraphError) -> Op {
    try context.unaryInput()
    let rank = context.input.count
    guard let raw else { throw context.error("a reduction over every axis, the batch too, is not supported") }
    var axes: [Int] = []
    for axis in raw { axes.append(try context.featureAxis(axis, rank: rank)) }
    axes.sort()
    guard !axes.isEmpty, Set(axes).count == axes.count else { throw context.error("axis \(raw) names no axis or one axis twice") }
    if rank >= 2, axes == Array(1..<rank) {
        switch kind {
        case .mean: return .globalPool(kind: .average, keepDims: keepDims)
        case .max: return .globalPool(kind: .max, keepDims: keepDims)
        case .sum, .min: break
        }
    }
    guard keepDims || axes.count < rank else {
        throw context.error("a reduction over every feature axis needs keepdims (one number per sample is not supported)")
    }
    return .reduce(kind: kind, axes: axes, keepDims: keepDims)
}

/// Keras 3's `keras.ops.mean/sum/max/min(x, axis, keepdims)`, whose options are the operation's configuration;
/// `initial` is refused.
func keras3ReductionOp(_ kind: ReduceKind, _ context: OpLambdaContext) throws(GraphError) -> Op {
    let config = context.config
    if let initial = config.values["initial"], !initial.isNull { throw context.error("initial is not supported") }
    var axes: [Int]? = nil
    if let value = config.values["axis"], !value.isNull {
        if let single = value.int { axes = [single] } else { axes = try config.intList("axis") }
    }
    return try reductionOp(kind, axes: axes, keepDims: try config.bool("keepdims", default: false), context)
}

/// `tf.reshape(x, [-1, …])`: the batch axis must stay first and free.
func reshapeOp(_ context: OpLambdaContext) throws(GraphError) -> Op {
    try context.unaryInput()
    guard let shape = try context.ints("shape"), shape.first == -1 else {
        throw context.error("only a shape that keeps the batch axis first as -1 is supported")
    }
    var target = Array(shape.dropFirst())
    let count = context.input.reduce(1, *)
    let known = target.filter { $0 != -1 }.reduce(1, *)
    guard target.allSatisfy({ $0 >= 1 || $0 == -1 }), target.filter({ $0 == -1 }).count <= 1, known > 0, count % known == 0 else {
        throw context.error("shape \(shape) does not fit input \(context.input)")
    }
    if let free = target.firstIndex(of: -1) { target[free] = count / known }
    return .reshape(shape: target)
}

func expandDimsOp(_ context: OpLambdaContext) throws(GraphError) -> Op {
    try context.unaryInput()
    guard let axis = try context.ints("axis"), axis.count == 1 else { throw context.error("expects one integer axis") }
    let position = try context.featureAxis(axis[0], rank: context.input.count + 1)
    var shape = context.input
    shape.insert(1, at: position - 1)
    return .reshape(shape: shape)
}

func squeezeOp(_ context: OpLambdaContext) throws(GraphError) -> Op {
    try context.unaryInput()
    let input = context.input
    var removed: Set<Int> = []
    if let axes = try context.ints("axis") {
        for axis in axes {
            let resolved = try context.featureAxis(axis, rank: input.count)
            guard input[resolved - 1] == 1 else { throw context.error("axis \(axis) of \(input) has size \(input[resolved - 1]), not 1") }
            removed.insert(resolved - 1)
        }
    } else {
        removed = Set(input.indices.filter { input[$0] == 1 })
    }
    let shape = input.indices.filter { !removed.contains($0) }.map { input[$0] }
    guard !shape.isEmpty else { throw context.error("squeezing every axis of \(input) is not supported") }
    return .reshape(shape: shape)
}

func transposeOp(_ context: OpLambdaContext) throws(GraphError) -> Op {
    try context.unaryInput()
    guard let order = try context.ints("perm"), order.first == 0 else {
        throw context.error("only a permutation that keeps the batch axis first is supported")
    }
    return .permute(order: order)
}

func concatOp(_ context: OpLambdaContext) throws(GraphError) -> Op {
    guard case .list(let items) = context.call.first,
          items.enumerated().allSatisfy({ if case .tensor($0.offset) = $0.element { return true } else { return false } }) else {
        throw context.error("expects a list of tensors")
    }
    guard let axis = try context.ints("axis"), axis.count == 1 else { throw context.error("expects one integer axis") }
    return .concatenate(axis: try context.featureAxis(axis[0], rank: context.input.count))
}

/// `tf.image.resize(x, size, method)` of [H, W, C] images: bilinear or nearest, no antialiasing, no preserved
/// aspect ratio.
func imageResizeOp(_ context: OpLambdaContext) throws(GraphError) -> Op {
    try context.unaryInput()
    guard context.input.count == 3 else { throw context.error("expects [height, width, channels] images, got \(context.input)") }
    guard let size = try context.ints("size"), size.count == 2, size.allSatisfy((1...ShapeLimits.maxAttribute).contains) else {
        throw context.error("expects a constant size (height, width)")
    }
    for option in ["antialias", "preserve_aspect_ratio"] where try context.bool(option, default: false) {
        throw context.error("\(option) is not supported")
    }
    let value = context.call.constant("method")
    guard let method = value == nil ? "bilinear" : value?.string, let interpolation = Interpolation(rawValue: method) else {
        throw context.error("method \(value.map { "\($0)" } ?? "") is not supported; only bilinear and nearest")
    }
    return .resize(size: size, interpolation: interpolation)
}

/// Keras 3's `keras.ops.image.resize(x, size, interpolation)`, whose options are the operation's configuration:
/// bilinear or nearest, channels last, no antialiasing, no crop or pad to the aspect ratio.
func keras3ImageResizeOp(_ context: OpLambdaContext) throws(GraphError) -> Op {
    try context.unaryInput()
    let config = context.config
    guard context.input.count == 3 else { throw context.error("expects [height, width, channels] images, got \(context.input)") }
    try config.requireChannelsLast()
    for option in ["antialias", "crop_to_aspect_ratio", "pad_to_aspect_ratio"] where try config.bool(option, default: false) {
        throw context.error("\(option) is not supported")
    }
    let size = try config.ints("size", count: 2)
    guard size.allSatisfy((1...ShapeLimits.maxAttribute).contains) else { throw context.error("size \(size) is not (height, width)") }
    let method = try config.string("interpolation", default: "bilinear")
    guard let interpolation = Interpolation(rawValue: method) else {
        throw context.error("interpolation '\(method)' is not supported; only bilinear and nearest")
    }
    return .resize(size: size, interpolation: interpolation)
}
