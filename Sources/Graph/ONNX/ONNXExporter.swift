import Foundation
import SwiftProtobuf
import KerasLensGraph

/// Writes a graph as an ONNX model: opset 17 of the default domain, one graph, float32 throughout. Inputs and
/// outputs keep the Keras model's names and channels-last shapes with a symbolic batch axis `N`, so the ONNX model
/// takes and returns exactly the arrays the Keras model does.
public enum ONNXExporter {
    public static let opset = 17
    /// The IR version that goes with opset 17.
    static let irVersion = 8

    /// Writes the ONNX model for `graph` to `path`, atomically (a temporary file renamed into place).
    public static func write(_ graph: Graph, to path: String) throws(GraphError) {
        let proto: Onnx_ModelProto
        do {
            proto = try model(graph)
        } catch {
            throw error.inFile(path)
        }
        let bytes: Data
        do {
            bytes = try proto.serializedBytes()
        } catch {
            // Protobuf caps a message at 2 GiB.
            throw GraphError(.unsupported, file: path, "the ONNX model cannot be serialised (\(error))")
        }
        do {
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw GraphError(.unreadable, file: path, "cannot write the file (\(error.localizedDescription))")
        }
    }

    /// The ONNX model for `graph`; refuses, naming the layer, what opset 17 cannot express.
    ///
    /// A graph with open input dimensions is lowered at two sizes of them (`Op.openProbes`); when both give the same
    /// nodes and initializers the lowering does not depend on the size, and the model is written once with each
    /// open dimension of an input or output as a `dim_param` (`<value>_<axis>`). A layer whose lowering differs (a
    /// Reshape to sizes that follow the input) is refused by name.
    static func model(_ graph: Graph) throws(GraphError) -> Onnx_ModelProto {
        guard graph.hasOpenDimensions else { return try concreteModel(graph) }
        func at(_ size: Int) throws(GraphError) -> Onnx_ModelProto {
            let shapes = graph.inputs.map { name in graph.node(named: name)!.outputShape.map { $0 == openDimension ? size : $0 } }
            return try concreteModel(graph.specialized(inputShapes: shapes))
        }
        var model = try at(Op.openProbes.0)
        let other = try at(Op.openProbes.1)
        for (a, b) in zip(model.graph.node, other.graph.node) where a != b {
            throw sizeDependent(a.name)
        }
        for (a, b) in zip(model.graph.initializer, other.graph.initializer) where a != b {
            throw sizeDependent(a.name)
        }
        guard model.graph.node.count == other.graph.node.count, model.graph.initializer.count == other.graph.initializer.count else {
            throw GraphError(.unsupported, "the ONNX lowering depends on the sizes of the open input dimensions; ONNX export needs fixed input shapes for this model")
        }
        model.graph.input = graph.inputs.map { valueInfo($0, shape: graph.node(named: $0)!.outputShape) }
        model.graph.output = graph.outputs.map { valueInfo($0, shape: graph.node(named: $0)!.outputShape) }
        return model
    }

    /// The refusal for an ONNX value (`<layer>/<label>` or the layer's own) whose lowering follows the open sizes.
    private static func sizeDependent(_ value: String) -> GraphError {
        let layer = value.split(separator: "/").first.map(String.init) ?? value
        return GraphError(.unsupported, layer: layer, "its ONNX lowering depends on the sizes of the open input dimensions; ONNX export needs fixed input shapes for it")
    }

    /// The ONNX model for a graph of concrete shapes.
    private static func concreteModel(_ graph: Graph) throws(GraphError) -> Onnx_ModelProto {
        var owners: [String: String] = [:]
        for node in graph.nodes { if let owner = node.weightsFrom { owners[node.name] = owner } }
        var builder = ONNXBuilder(reserved: Set(graph.nodes.map(\.name)), weightOwners: owners)
        var shapes: [String: [Int]] = [:]
        var proto = Onnx_GraphProto()
        proto.name = "keraslens"
        for node in graph.nodes {
            shapes[node.name] = node.outputShape
            if node.op != .input {
                let inputShapes = node.inputs.map { shapes[$0]! }
                if node.distributedAxes > 0 {
                    try lowerDistributed(node, inputShapes: inputShapes, into: &builder)
                } else {
                    try lower(node, inputShapes: inputShapes, output: node.name, into: &builder)
                }
            }
        }
        proto.node = builder.nodes
        proto.initializer = builder.initializers
        // The model's input order, which the node order need not follow.
        proto.input = graph.inputs.map { valueInfo($0, shape: shapes[$0]!) }
        proto.output = graph.outputs.map { valueInfo($0, shape: shapes[$0]!) }

        var model = Onnx_ModelProto()
        model.irVersion = Int64(irVersion)
        model.producerName = "keraslens"
        model.docString = "Converted from Keras \(graph.source.kerasVersion ?? "(unknown version)") \(graph.source.format) by KerasLens"
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.domain = ""
        opsetID.version = Int64(opset)
        model.opsetImport = [opsetID]
        model.graph = proto
        return model
    }

    /// A node distributed over leading axes (TimeDistributed): each input reshaped to `(N·T, …)`, the op lowered as
    /// for one application, its result reshaped back to `(N, T, …)` under the layer's name (N and T read from the
    /// first input's shape).
    private static func lowerDistributed(_ node: Node, inputShapes: [[Int]], into builder: inout ONNXBuilder) throws(GraphError) {
        let axes = node.distributedAxes
        var inner = node
        inner.distributedAxes = 0
        inner.outputShape = node.innerOutputShape
        inner.inputs = []
        for (input, shape) in zip(node.inputs, inputShapes) {
            let target = builder.int64s([-1] + shape.dropFirst(axes), layer: node.name, "folded_shape")
            inner.inputs.append(builder.step("Reshape", [input, target], layer: node.name))
        }
        let result = builder.fresh(node.name, "per_step")
        try lower(inner, inputShapes: inputShapes.map { Array($0.dropFirst(axes)) }, output: result, into: &builder)
        // The distributed axes' sizes are read from the first input when the model runs, so that an open one (a
        // sequence of open length) passes through.
        let inputShape = builder.step("Shape", [node.inputs[0]], layer: node.name)
        let lead = builder.step("Slice", [inputShape, builder.int64s([0], layer: node.name, "starts"),
                                          builder.int64s([1 + axes], layer: node.name, "ends"),
                                          builder.int64s([0], layer: node.name, "axes")], layer: node.name)
        let target = builder.step("Concat", [lead, builder.int64s(node.innerOutputShape, layer: node.name, "inner_shape")],
                                  layer: node.name, [.int("axis", 0)])
        builder.add("Reshape", [result, target], into: node.name)
    }

    /// Emits the ONNX nodes for one layer; the last one writes `output`.
    private static func lower(_ node: Node, inputShapes: [[Int]], output: String, into builder: inout ONNXBuilder) throws(GraphError) {
        let input = node.inputs.first ?? ""
        let shape = inputShapes.first ?? []
        switch node.op {
        case .input:
            return  // Graph inputs are value infos, added by the caller.
        case .dense(let activation):
            builder.dense(node, activation: activation, input: input, shape: shape, into: output)
        case .convolution(let window, let activation):
            builder.convolution(node, window: window, activation: activation, input: input, shape: shape, into: output)
        case .groupedConvolution(let window, let groups, let activation):
            builder.convolution(node, window: window, groups: groups, activation: activation, input: input, shape: shape,
                                into: output)
        case .transposedConvolution(let window, _, let activation):
            builder.transposedConvolution(node, window: window, activation: activation, input: input, shape: shape, into: output)
        case .depthwiseConvolution(let window, let multiplier, let activation):
            builder.depthwiseConvolution(node, window: window, multiplier: multiplier, activation: activation,
                                         input: input, shape: shape, into: output)
        case .separableConvolution(let window, let multiplier, let activation):
            builder.separableConvolution(node, window: window, multiplier: multiplier, activation: activation,
                                         input: input, shape: shape, into: output)
        case .pool(let kind, let window):
            try builder.pool(node, kind: kind, window: window, input: input, shape: shape, into: output)
        case .globalPool(_, let keepDims) where node.inputs.count == 2:
            builder.maskedGlobalAverage(keepDims: keepDims, input: input, mask: node.inputs[1], layer: node.name, into: output)
        case .globalPool(let kind, let keepDims):
            builder.globalPool(kind: kind, keepDims: keepDims, input: input, shape: shape, into: output)
        case .reduce(let kind, let axes, let keepDims):
            builder.reduce(kind, axes: axes, keepDims: keepDims, input: input, layer: node.name, into: output)
        case .flatten:
            builder.flatten(input: input, into: output)
        case .reshape(let target):
            builder.reshape(to: target, input: input, layer: node.name, into: output)
        case .permute(let order):
            builder.permute(order: order, input: input, into: output)
        case .identity:
            builder.add("Identity", [input], into: output)
        case .batchNormalization(let axis, let epsilon):
            builder.batchNormalization(node, axis: axis, epsilon: epsilon, shape: shape, input: input, into: output)
        case .activation(let activation):
            builder.activation(activation, input, layer: node.name, into: output)
        case .prelu:
            builder.prelu(node, input: input, into: output)
        case .merge(let kind):
            builder.merge(kind, inputs: node.inputs, shapes: inputShapes, layer: node.name, into: output)
        case .linearCombination(let coefficients):
            builder.linearCombination(coefficients, inputs: node.inputs, layer: node.name, into: output)
        case .concatenate(let axis):
            builder.concatenate(axis: axis, inputs: node.inputs, into: output)
        case .zeroPadding(let pads):
            builder.zeroPadding(pads: pads, input: input, layer: node.name, into: output)
        case .cropping(let crops):
            builder.cropping(crops: crops, input: input, shape: shape, layer: node.name, into: output)
        case .upsampling(let size):
            builder.upsampling(size: size, input: input, shape: shape, layer: node.name, into: output)
        case .resize(let size, let interpolation):
            builder.resize(to: size, interpolation: interpolation, input: input, layer: node.name, into: output)
        case .rescaling(let scale, let offset):
            builder.rescaling(scale: scale, offset: offset, input: input, layer: node.name, into: output)
        case .normalization(let axes, let epsilon, let invert):
            builder.normalization(node, axes: axes, epsilon: epsilon, invert: invert, shape: shape, input: input, into: output)
        case .layerNormalization(let axes, let epsilon, let rmsScaling):
            builder.layerNormalization(node, axes: axes, epsilon: epsilon, rmsScaling: rmsScaling, shape: shape,
                                       input: input, into: output)
        case .groupNormalization(let groups, let epsilon):
            builder.groupNormalization(node, groups: groups, epsilon: epsilon, shape: shape, input: input, into: output)
        case .unitNormalization(let axes, let epsilon):
            builder.unitNormalization(axes: axes, epsilon: epsilon, input: input, layer: node.name, into: output)
        case .slice(let begin, let end, let strides, let target):
            builder.slice(begin: begin, end: end, strides: strides, shape: target, input: input, layer: node.name, into: output)
        case .recurrent(let recurrence):
            try builder.recurrent(node, recurrence, shape: shape, input: input, mask: node.inputs.count == 2 ? node.inputs[1] : nil,
                                  into: output)
        case .embedding:
            builder.embedding(node, input: input, into: output)
        case .sequenceMask(let value):
            builder.sequenceMask(value: value, input: input, shape: shape, layer: node.name, into: output)
        case .attention(let attention):
            builder.attention(node, attention, into: output)
        }
    }

    /// A float32 value of shape `(N, shape…)`; an open dimension is the symbol `<name>_<axis>`.
    private static func valueInfo(_ name: String, shape: [Int]) -> Onnx_ValueInfoProto {
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "N"
        var dimensions = [batch]
        for (axis, size) in shape.enumerated() {
            var dimension = Onnx_TensorShapeProto.Dimension()
            if size == openDimension {
                dimension.dimParam = "\(name)_\(axis + 1)"
            } else {
                dimension.dimValue = Int64(size)
            }
            dimensions.append(dimension)
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.shape.dim = dimensions
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }
}
