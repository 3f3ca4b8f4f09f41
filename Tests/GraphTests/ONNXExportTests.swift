import Foundation
@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import KerasLens
import Testing

/// The ONNX graph's structure; its numbers are checked in onnxruntime by scripts/check-onnx.sh.
@Suite struct ONNXExportTests {
    /// Every fixture exports to one well-formed graph.
    @Test(arguments: NativeFixtures.models)
    func fixturesExportToWellFormedGraphs(_ model: NativeFixtures.Model) throws {
        try expectWellFormedExport(of: try KerasImporter.load(path: NativeFixtures.path(model.file)))
    }

    /// Inputs and outputs keep the model's order, whatever order its nodes come in; a shared layer's weights are
    /// one initializer used by each call.
    @Test func portsKeepTheModelsOrderAndSharedWeightsAreStoredOnce() throws {
        let graph = try KerasImporter.load(path: NativeFixtures.path("zoo/nested_outputs.k2.h5"))
        let proto = try ONNXExporter.model(graph).graph
        #expect(proto.input.map(\.name) == graph.inputs)
        #expect(proto.input.map(\.name) == ["left", "right"])
        #expect(proto.output.map(\.name) == graph.outputs)
        #expect(proto.output.map(\.name) == ["proj_dense:2", "enc_dense:1", "head"])
        let kernels = proto.initializer.map(\.name).filter { $0.hasPrefix("proj_dense") && $0.hasSuffix("kernel") }
        #expect(kernels.count == 1)
        #expect(proto.node.filter { $0.opType == "Gemm" && $0.input.contains(kernels.first ?? "") }.count == 3)
    }

    /// Open input dimensions are `dim_param`s of the ports; a layer whose lowering follows their size is refused.
    @Test func openDimensionsAreSymbolsAndSizeDependentLoweringsAreRefused() throws {
        let graph = try KerasImporter.load(path: NativeFixtures.path("zoo/open_size_2d.k2.h5"))
        let input = try ONNXExporter.model(graph).graph.input[0].type.tensorType.shape.dim
        #expect(input.map(\.dimParam) == ["N", "image_1", "image_2", ""])
        #expect(input.last?.dimValue == 3)
        let cropped = Graph(nodes: [
            Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [openDimension, 3]),
            Node(name: "crop", kerasClass: "Cropping1D", op: .cropping(crops: [[1, 2]]), inputs: ["x"], outputShape: [openDimension, 3]),
        ], inputs: ["x"], outputs: ["crop"], source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
        #expect { try ONNXExporter.model(cropped) } throws: { ($0 as? GraphError)?.layer == "crop" }
    }

    /// Every op kind of the catalogue exports (its numbers are checked in onnxruntime through the fixtures).
    @Test(arguments: OpExamples.all)
    func everyOpExports(_ example: OpExamples.Example) throws {
        try expectWellFormedExport(of: try OpExamples.graph(example))
    }

    /// One well-formed opset-17 graph: Keras names and channels-last shapes at the ports, every node input defined
    /// before use, only the ops the exporter is meant to emit.
    func expectWellFormedExport(of graph: Graph, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let proto = try ONNXExporter.model(graph)
        #expect(proto.irVersion == 8, sourceLocation: sourceLocation)
        #expect(proto.opsetImport.map(\.version) == [17], sourceLocation: sourceLocation)
        #expect(proto.opsetImport.map(\.domain) == [""], sourceLocation: sourceLocation)
        let onnx = proto.graph
        #expect(onnx.input.map(\.name) == graph.inputs, sourceLocation: sourceLocation)
        #expect(onnx.output.map(\.name) == graph.outputs, sourceLocation: sourceLocation)
        for port in onnx.input + onnx.output {
            let shape = port.type.tensorType.shape.dim
            #expect(shape.first?.dimParam == "N", sourceLocation: sourceLocation)
            // An open dimension is a symbol, every other one its size.
            #expect(shape.dropFirst().map { $0.dimParam.isEmpty ? $0.dimValue : Int64(openDimension) }
                    == graph.node(named: port.name)!.outputShape.map(Int64.init), sourceLocation: sourceLocation)
            #expect(port.type.tensorType.elemType == 1, sourceLocation: sourceLocation)
        }
        var defined = Set(onnx.input.map(\.name) + onnx.initializer.map(\.name))
        for node in onnx.node {
            for input in node.input where !input.isEmpty {  // "" is ONNX's omitted optional input (Resize's roi, scales)
                #expect(defined.contains(input), "\(node.name) reads \(input) before it is written", sourceLocation: sourceLocation)
            }
            #expect(ONNXExportTests.emitted.contains(node.opType), "unexpected op \(node.opType)", sourceLocation: sourceLocation)
            for output in node.output { #expect(defined.insert(output).inserted, "\(output) written twice", sourceLocation: sourceLocation) }
        }
        for node in graph.nodes {
            #expect(defined.contains(node.name), "layer \(node.name) has no value of its name", sourceLocation: sourceLocation)
        }
        #expect(try (proto.serializedBytes() as [UInt8]).count > 0, sourceLocation: sourceLocation)
    }

    static let emitted: Set<String> = [
        "Identity", "Relu", "Clip", "Sigmoid", "HardSigmoid", "Add", "Sub", "Mul", "Div", "Tanh", "Softmax", "Softplus",
        "Softsign", "Elu", "Selu", "Erf", "Exp", "LeakyRelu", "Greater", "Where", "Gemm", "MatMul", "Conv", "ConvTranspose", "Transpose",
        "MaxPool", "AveragePool", "ReduceMean", "ReduceMax", "Flatten", "Reshape", "Concat", "Pad", "Slice", "Expand",
        "PRelu", "Sum", "Mean", "Max", "Min", "Unsqueeze", "LogSoftmax", "Celu", "Shrink", "Neg", "Sqrt",
        "GreaterOrEqual", "LSTM", "GRU", "RNN", "Shape", "Resize", "ReduceSumSquare", "Squeeze",
        "ReduceSum", "ReduceMin", "Cast", "Gather", "Equal", "Not", "TopK", "GatherElements", "CumSum", "Trilu",
    ]

    /// A one-activation graph `x` (4, 6) → `act`, exported.
    func exported(_ activation: Activation) throws -> Onnx_GraphProto {
        let graph = Graph(nodes: [Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [4, 6]),
                                  Node(name: "act", kerasClass: "Activation", op: .activation(activation), inputs: ["x"], outputShape: [4, 6])],
                          inputs: ["x"], outputs: ["act"], source: GraphSource(format: "h5", kerasVersion: nil, backend: nil))
        return try ONNXExporter.model(graph).graph
    }

    @Test func activationsWithoutAnOpset17OpAreSpelledOut() throws {
        #expect(try exported(.gelu(approximate: false)).node.map(\.opType) == ["Mul", "Erf", "Add", "Mul", "Mul"])
        #expect(try exported(.gelu(approximate: true)).node.map(\.opType).contains("Tanh"))
        #expect(try exported(.mish).node.map(\.opType) == ["Softplus", "Tanh", "Mul"])
        #expect(try exported(.swish).node.map(\.opType) == ["Sigmoid", "Mul"])
        #expect(try exported(.hardSigmoidKeras3).node.map(\.opType) == ["Add", "Clip", "Div"])
        let keras2 = try exported(.hardSigmoidKeras2).node
        #expect(keras2.map(\.opType) == ["HardSigmoid"])
        #expect(keras2[0].attribute.map(\.f) == [0.2, 0.5])
        let softmax = try exported(.softmax(axis: 1)).node
        #expect(softmax.map(\.opType) == ["Softmax"])
        #expect(softmax[0].attribute.first?.i == 1)
        #expect(try exported(.clippedReLU(maxValue: 2, negativeSlope: 0.1, threshold: 0.5)).node.map(\.opType)
                == ["Greater", "Where", "Clip", "Sub", "Relu", "Mul", "Sub"])
    }

    /// TensorFlow's `same`: the total padding to reach ceil(n / stride) outputs, the odd one at the end.
    @Test func samePaddingBecomesExplicitAsymmetricPads() {
        let window = Window(size: [3, 4], strides: [2, 1], dilations: [1, 1], padding: .same)
        // Height 8, stride 2: 4 outputs need (4−1)·2 + 3 − 8 = 1 row, after. Width 5, stride 1: 3 columns, 1 before.
        #expect(explicitPads(window, spatial: [8, 5]) == [0, 1, 1, 2])
        let dilated = Window(size: [3], strides: [1], dilations: [2], padding: .same)
        #expect(explicitPads(dilated, spatial: [10]) == [2, 2])
        #expect(explicitPads(Window(size: [3], strides: [2], dilations: [1], padding: .valid), spatial: [9]) == [0, 0])
    }

    @Test func kernelsMoveToOutputInputSpatialOrder() {
        // A [k=2, in=1, out=3] Conv1D kernel: value 10·k + o.
        let kernel = Tensor(shape: [2, 1, 3], scalars: [0, 1, 2, 10, 11, 12])
        let moved = kernel.permuted([2, 1, 0])
        #expect(moved.shape == [3, 1, 2])
        #expect(moved.scalars == [0, 10, 1, 11, 2, 12])
    }

    @Test func averagePoolingWithDilationIsRefusedByName() throws {
        let window = Window(size: [2], strides: [1], dilations: [2], padding: .valid)
        let graph = Graph(nodes: [Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [8, 2]),
                                  Node(name: "pool", kerasClass: "AveragePooling1D", op: .pool(kind: .average, window: window),
                                       inputs: ["x"], outputShape: [6, 2])],
                          inputs: ["x"], outputs: ["pool"], source: GraphSource(format: "h5", kerasVersion: nil, backend: nil))
        let path = try NativeFixtures.temporaryFile("pool.onnx")
        let error = #expect(throws: GraphError.self) { try ONNXExporter.write(graph, to: path) }
        #expect(error?.layer == "pool")
        #expect(error?.file == path)
        #expect(error?.description.contains("dilation") == true)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
