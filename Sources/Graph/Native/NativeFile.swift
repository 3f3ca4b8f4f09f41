import Foundation
import KerasLensGraph

/// A model read from a native file: the graph and, when the converter stored one, its self-test.
public struct NativeModel: Sendable {
    public var graph: Graph
    public var selfTest: SelfTest?
}

/// KerasLens's own model file (docs/FORMAT.md): a safetensors container whose tensors are the weights, named
/// `<layer>/<weight>`, and whose `__metadata__` holds the graph as JSON. Any safetensors reader opens the weights;
/// KerasLens reads it back into the same `Graph` it was written from, without HDF5 or the Keras importer.
public enum NativeFile {
    /// The `format` metadata value that marks a KerasLens file.
    public static let formatName = "keraslens"
    /// The layout version this code writes and the newest it reads.
    public static let formatVersion = 1

    static let graphKey = "keraslens.graph"
    static let selfTestKey = "keraslens.selftest"

    /// Writes `graph` (and `selfTest`, when given) to `path`, atomically (a temporary file renamed into place): a
    /// failed or interrupted conversion never leaves a half-written model where a reader would load it.
    public static func write(_ graph: Graph, selfTest: SelfTest? = nil, to path: String) throws(GraphError) {
        do {
            try Data(encode(graph, selfTest: selfTest)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw GraphError(.unreadable, file: path, "cannot write the file (\(error.localizedDescription))")
        }
    }

    /// The bytes of the native file for `graph`.
    static func encode(_ graph: Graph, selfTest: SelfTest?) -> [UInt8] {
        var tensors: [(name: String, tensor: Tensor)] = []
        var nodes: [NodeRecord] = []
        for node in graph.nodes {
            var weights: [String: String] = [:]
            for (weight, tensor) in node.weights.sorted(by: { $0.key < $1.key }) {
                // A shared layer's later calls name its first call's tensors: the weights are stored once.
                let name = "\(node.weightsFrom ?? node.name)/\(weight)"
                weights[weight] = name
                if node.weightsFrom == nil { tensors.append((name, tensor)) }
            }
            nodes.append(NodeRecord(name: node.name, class: node.kerasClass, op: OpRecord(node.op), inputs: node.inputs,
                                    output_shape: node.outputShape, weights: weights,
                                    constants: node.constantNames.isEmpty ? nil : node.constantNames.sorted(),
                                    weights_from: node.weightsFrom,
                                    distributed_axes: node.distributedAxes == 0 ? nil : node.distributedAxes))
        }
        let record = GraphRecord(source: SourceRecord(format: graph.source.format, keras_version: graph.source.kerasVersion,
                                                      backend: graph.source.backend),
                                 inputs: graph.inputs, outputs: graph.outputs, nodes: nodes)
        var metadata = ["format": formatName, "format_version": String(formatVersion), graphKey: json(record)]
        if let selfTest {
            let inputs = graph.inputs.map { SelfTest.tensorName(input: $0) }
            let outputs = graph.outputs.map { SelfTest.tensorName(output: $0) }
            tensors += zip(inputs, selfTest.inputs).map { ($0, $1) } + zip(outputs, selfTest.outputs).map { ($0, $1) }
            metadata[selfTestKey] = json(SelfTestRecord(generator: "splitmix64", seed: "0x" + String(SelfTest.seed, radix: 16, uppercase: true),
                                                          samples: SelfTest.samples, inputs: inputs, outputs: outputs))
        }
        return SafetensorsContainer.encode(tensors: tensors, metadata: metadata)
    }

    /// Reads a native file through a memory mapping, checking the container and the graph. The self-test is
    /// copied out only when `selfTest` is true: running a model does not need it, and for image models its input
    /// is most of the file.
    public static func read(path: String, selfTest includeSelfTest: Bool = true) throws(GraphError) -> NativeModel {
        let file = try MappedFile(path: path)
        // The header's buffer points into the mapping: keep it mapped until every tensor is copied out.
        defer { withExtendedLifetime(file) {} }
        let header = try SafetensorsContainer.header(of: file)
        let format = header.metadata["format"]
        guard format == formatName else { throw .native(.notKerasLens(format: format), file: path) }
        guard let versionText = header.metadata["format_version"], let version = Int(versionText) else {
            throw .native(.invalidHeader(reason: "format_version '\(header.metadata["format_version"] ?? "")' is not an integer"), file: path)
        }
        guard version <= formatVersion else { throw .native(.newerVersion(found: version, supported: formatVersion), file: path) }
        try SafetensorsContainer.validate(header, file: path)

        let record: GraphRecord = try decode(header.metadata[graphKey], key: graphKey, file: path)
        // A tensor named by several nodes (a shared layer's calls) is copied out once and shared.
        var copied: [String: Tensor] = [:]
        func tensor(_ name: String, layer: String?) throws(GraphError) -> Tensor {
            if let done = copied[name] { return done }
            guard let entry = header.entries[name] else { throw .native(.missingTensor(name), file: path, layer: layer) }
            let read = SafetensorsContainer.tensor(entry, in: header.buffer)
            copied[name] = read
            return read
        }
        var nodes: [Node] = []
        var shapes: [String: [Int]] = [:]
        for node in record.nodes {
            let op: Op
            do {
                op = try node.op.op()
            } catch {
                var attributed = error.inFile(path)
                attributed.layer = node.name
                throw attributed
            }
            var weights: [String: Tensor] = [:]
            for (weight, name) in node.weights { weights[weight] = try tensor(name, layer: node.name) }
            try check(node, op: op, weights: weights, shapes: shapes, file: path)
            var built = Node(name: node.name, kerasClass: node.class, op: op, inputs: node.inputs, weights: weights,
                             outputShape: node.output_shape)
            built.constantNames = Set(node.constants ?? [])
            built.weightsFrom = node.weights_from
            built.distributedAxes = node.distributed_axes ?? 0
            shapes[node.name] = node.output_shape
            nodes.append(built)
        }
        let records = Dictionary(record.nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for node in record.nodes {
            guard let owner = node.weights_from else { continue }
            guard let first = records[owner], first.weights_from == nil, first.class == node.class, first.weights == node.weights else {
                throw .native(.invalidGraph(reason: "node '\(node.name)' takes its weights from '\(owner)', which is not a first call of the same layer with the same weights"), file: path)
            }
        }
        for name in record.inputs + record.outputs where shapes[name] == nil {
            throw .native(.invalidGraph(reason: "the graph's inputs or outputs name '\(name)', which is not a node"), file: path)
        }
        let graph = Graph(nodes: nodes, inputs: record.inputs, outputs: record.outputs,
                          source: GraphSource(format: "safetensors", kerasVersion: record.source.keras_version, backend: record.source.backend))

        var selfTest: SelfTest?
        if includeSelfTest, header.metadata[selfTestKey] != nil {
            let test: SelfTestRecord = try decode(header.metadata[selfTestKey], key: selfTestKey, file: path)
            guard test.inputs.count == graph.inputs.count, test.outputs.count == graph.outputs.count else {
                throw .native(.invalidGraph(reason: "the self-test has \(test.inputs.count) inputs and \(test.outputs.count) outputs, the graph \(graph.inputs.count) and \(graph.outputs.count)"), file: path)
            }
            var inputs: [Tensor] = []
            var outputs: [Tensor] = []
            for name in test.inputs { inputs.append(try tensor(name, layer: nil)) }
            for name in test.outputs { outputs.append(try tensor(name, layer: nil)) }
            selfTest = SelfTest(inputs: inputs, outputs: outputs)
        }
        return NativeModel(graph: graph, selfTest: selfTest)
    }

    /// Refuses a node whose inputs are not earlier nodes or whose stored output shape is not what its op computes
    /// from its inputs and weights: a hand-edited or corrupted graph fails here, not inside a kernel.
    private static func check(_ node: NodeRecord, op: Op, weights: [String: Tensor], shapes: [String: [Int]],
                              file: String) throws(GraphError) {
        guard shapes[node.name] == nil else {
            throw .native(.invalidGraph(reason: "two nodes are named '\(node.name)'"), file: file, layer: node.name)
        }
        var inputShapes: [[Int]] = []
        for input in node.inputs {
            guard let shape = shapes[input] else {
                throw .native(.invalidGraph(reason: "its input '\(input)' is not an earlier node"), file: file, layer: node.name)
            }
            inputShapes.append(shape)
        }
        if let axes = node.distributed_axes, axes < 1 {
            throw .native(.invalidGraph(reason: "distributed_axes is \(axes), not a positive count (absent when 0)"), file: file, layer: node.name)
        }
        if op == .input {
            guard node.inputs.isEmpty, node.output_shape.allSatisfy({ $0 > 0 || $0 == openDimension }), (node.distributed_axes ?? 0) == 0 else {
                throw .native(.invalidGraph(reason: "an input node takes no inputs, is not distributed and has a shape of positive or open (-1) sizes"), file: file, layer: node.name)
            }
            do {
                try ShapeLimits.check(node.output_shape.map { $0 == openDimension ? 1 : $0 })
            } catch {
                throw GraphError(.shape, file: file, layer: node.name, kerasClass: node.class, "input \(error.detail)")
            }
            return
        }
        let inferred: [Int]
        do {
            inferred = try op.symbolicOutputShape(inputs: inputShapes, weights: weights, distributedAxes: node.distributed_axes ?? 0)
        } catch {
            var attributed = error.inFile(file)
            attributed.layer = node.name
            attributed.kerasClass = node.class
            throw attributed
        }
        guard inferred == node.output_shape else {
            throw GraphError(.shape, file: file, layer: node.name, kerasClass: node.class,
                             "the file says output shape \(node.output_shape), the op computes \(inferred)")
        }
    }

    private static func json<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // The records hold only strings, numbers (non-finite ones as strings) and arrays of them: encoding cannot fail.
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    private static func decode<Value: Decodable>(_ text: String?, key: String, file: String) throws(GraphError) -> Value {
        guard let text else { throw .native(.invalidGraph(reason: "__metadata__ lacks '\(key)'"), file: file) }
        guard !JSONNesting.isTooDeep(text.utf8) else { throw .native(.invalidGraph(reason: "\(key): \(JSONNesting.reason)"), file: file) }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(Value.self, from: Data(text.utf8))
        } catch {
            throw .native(.invalidGraph(reason: "\(key): \(conciseReason(error))"), file: file)
        }
    }
}

/// The `keraslens.selftest` metadata: which tensors hold the self-test and how its input was generated.
struct SelfTestRecord: Codable {
    var generator: String
    /// Hexadecimal, since JSON numbers past 2^53 do not survive every parser.
    var seed: String
    var samples: Int
    var inputs: [String]
    var outputs: [String]
}
