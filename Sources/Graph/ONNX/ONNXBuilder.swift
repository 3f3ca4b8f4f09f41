import Foundation
import KerasLensGraph

/// Accumulates the nodes and initializers of one ONNX graph. Every value between layers is kept in the layout
/// Keras uses (channels last), so the exported model takes and returns the same arrays as the Keras model; op
/// families that need channels first transpose inside their own lowering.
///
/// Value names: a layer's result is named exactly like the Keras layer (`conv1d_2`), so users find layers in the
/// ONNX graph by the names they know; intermediate values and initializers are `<layer>/<label>`.
struct ONNXBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var used: Set<String>
    /// A shared layer's later calls (`dense:1`) → its first call (`Node.weightsFrom`).
    private let weightOwners: [String: String]
    /// The first float initializer made for each `<first call>/<label>`, by position in `initializers`.
    private var sharedConstants: [String: Int] = [:]

    /// `reserved` are the layer names, so no intermediate value can take one.
    init(reserved: Set<String>, weightOwners: [String: String] = [:]) {
        used = reserved
        self.weightOwners = weightOwners
    }

    /// A value name under `layer` that nothing else uses.
    mutating func fresh(_ layer: String, _ label: String) -> String {
        var name = "\(layer)/\(label)"
        var suffix = 1
        while used.contains(name) {
            suffix += 1
            name = "\(layer)/\(label)_\(suffix)"
        }
        used.insert(name)
        return name
    }

    /// Appends one ONNX node computing `output` (the node takes its output's name).
    mutating func add(_ opType: String, _ inputs: [String], into output: String, _ attributes: [Onnx_AttributeProto] = []) {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.name = output
        node.input = inputs
        node.output = [output]
        node.attribute = attributes
        nodes.append(node)
    }

    /// Appends one ONNX node with several outputs (named after the first).
    mutating func add(_ opType: String, _ inputs: [String], outputs: [String], _ attributes: [Onnx_AttributeProto] = []) {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.name = outputs[0]
        node.input = inputs
        node.output = outputs
        node.attribute = attributes
        nodes.append(node)
    }

    /// Appends one ONNX node writing a fresh intermediate value of `layer`, and returns that value's name.
    mutating func step(_ opType: String, _ inputs: [String], layer: String, _ attributes: [Onnx_AttributeProto] = []) -> String {
        let output = fresh(layer, opType)
        add(opType, inputs, into: output, attributes)
        return output
    }

    /// A float32 initializer holding `tensor`. The calls of a shared layer use one initializer for each label whose
    /// values are the same in every call (its kernel and bias), so its weights are stored once.
    mutating func constant(_ tensor: Tensor, layer: String, _ label: String) -> String {
        var proto = Onnx_TensorProto()
        proto.dims = tensor.shape.map(Int64.init)
        proto.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var bytes = Data(capacity: tensor.count * 4)
        for value in tensor.scalars { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        proto.rawData = bytes
        let key = "\(weightOwners[layer] ?? layer)/\(label)"
        if let index = sharedConstants[key], initializers[index].dims == proto.dims, initializers[index].rawData == proto.rawData {
            return initializers[index].name
        }
        proto.name = fresh(layer, label)
        if sharedConstants[key] == nil { sharedConstants[key] = initializers.count }
        initializers.append(proto)
        return proto.name
    }

    /// A float32 scalar initializer (shape `[]`), for Clip bounds and element-wise constants.
    mutating func scalar(_ value: Float, layer: String, _ label: String) -> String {
        constant(Tensor(shape: [], scalars: [value]), layer: layer, label)
    }

    /// A 1-D int64 initializer, for shape, pads and slice arguments.
    mutating func int64s(_ values: [Int], layer: String, _ label: String) -> String {
        var proto = Onnx_TensorProto()
        proto.name = fresh(layer, label)
        proto.dims = [Int64(values.count)]
        proto.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        var bytes = Data(capacity: values.count * 8)
        for value in values { withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) } }
        proto.rawData = bytes
        initializers.append(proto)
        return proto.name
    }

    /// Transposes a channels-last value of `spatialRank` spatial axes to channels first (NWC → NCW, NHWC → NCHW).
    mutating func channelsFirst(_ value: String, spatialRank: Int, layer: String) -> String {
        step("Transpose", [value], layer: layer, [.ints("perm", [0, spatialRank + 1] + Array(1...spatialRank))])
    }

    /// Transposes a channels-first value back to channels last, into `output`.
    mutating func channelsLast(_ value: String, spatialRank: Int, into output: String) {
        add("Transpose", [value], into: output, [.ints("perm", [0] + Array(2...(spatialRank + 1)) + [1])])
    }
}

extension Onnx_AttributeProto {
    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = Int64(value)
        return attribute
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values.map(Int64.init)
        return attribute
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }
}

extension Tensor {
    /// The tensor with its axes reordered: axis `i` of the result is axis `order[i]` of this one. Used to move
    /// Keras's `[k…, in, out]` kernels to ONNX's `[out, in, k…]`.
    func permuted(_ order: [Int]) -> Tensor {
        let newShape = order.map { shape[$0] }
        var strides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        let sourceStrides = order.map { strides[$0] }
        var result = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        for position in 0..<count {
            var source = 0
            for axis in 0..<rank { source += index[axis] * sourceStrides[axis] }
            result[position] = scalars[source]
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < newShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: newShape, scalars: result)
    }
}
