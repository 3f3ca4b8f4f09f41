/// The rule of the native format (docs/FORMAT.md) that a file breaks. Carried by `GraphError.Kind.nativeFile` so
/// that callers and tests can tell the cases apart while the message stays one readable line.
public enum NativeFileProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file is shorter than the 8-byte header length.
    case tooShort(fileSize: Int)
    /// The 8-byte header length points past the end of the file.
    case headerLengthBeyondFile(headerLength: UInt64, fileSize: Int)
    /// The header bytes are not a JSON document.
    case headerNotJSON(reason: String)
    /// The header is JSON but not a safetensors header (an entry lacks `dtype`, `shape` or `data_offsets`, …).
    case invalidHeader(reason: String)
    /// `__metadata__` does not say `format: keraslens`: a safetensors file of weights only, from another tool.
    case notKerasLens(format: String?)
    /// The file was written by a newer KerasLens format than this reader knows.
    case newerVersion(found: Int, supported: Int)
    /// A tensor has a dtype other than `F32`.
    case unsupportedDType(tensor: String, dtype: String)
    /// A tensor's byte range does not hold exactly its shape's float32 values.
    case sizeMismatch(tensor: String, shape: [Int], begin: Int, end: Int)
    /// Two tensors claim the same bytes.
    case overlappingOffsets(first: String, second: String)
    /// The tensors are laid end to end but the file stops before the last one ends.
    case truncated(neededBytes: Int, availableBytes: Int)
    /// A tensor's byte range lies past the end of the file, away from the others (not a cut-off tail).
    case offsetsOutsideFile(tensor: String, begin: Int, end: Int, bufferSize: Int)
    /// Bytes of the buffer that no tensor covers (safetensors requires the buffer to be fully indexed).
    case unindexedBytes(begin: Int, end: Int)
    /// The graph JSON names an op type this reader does not know.
    case unknownOp(String)
    /// The graph JSON names an activation this reader does not know.
    case unknownActivation(String)
    /// An op lacks an attribute its type requires, or has one of the wrong form.
    case badAttribute(op: String, attribute: String)
    /// The graph refers to a tensor the file does not hold.
    case missingTensor(String)
    /// The graph JSON does not decode (a missing key or a value of the wrong type).
    case invalidGraph(reason: String)

    public var description: String {
        switch self {
        case .tooShort(let size):
            return "the file has \(size) bytes, fewer than the 8-byte header length of a safetensors file"
        case .headerLengthBeyondFile(let length, let size):
            return "the header length \(length) is larger than the file (\(size) bytes); the file is truncated or not safetensors"
        case .headerNotJSON(let reason):
            return "the safetensors header is not JSON (\(reason))"
        case .invalidHeader(let reason):
            return "the safetensors header is malformed: \(reason)"
        case .notKerasLens(let format):
            return "the safetensors metadata says format \(format.map { "'\($0)'" } ?? "(none)"), not 'keraslens'; it holds tensors but no KerasLens graph"
        case .newerVersion(let found, let supported):
            return "format version \(found) is newer than this KerasLens reads (up to \(supported)); update KerasLens"
        case .unsupportedDType(let tensor, let dtype):
            return "tensor '\(tensor)' has dtype \(dtype); KerasLens files hold F32 only"
        case .sizeMismatch(let tensor, let shape, let begin, let end):
            // Hostile shapes and offsets reach this message: no arithmetic here may overflow.
            let bytes = ShapeLimits.elementCount(shape).map { $0.multipliedReportingOverflow(by: 4) }
            let needed = bytes.flatMap { $0.overflow ? nil : "\($0.partialValue) bytes" } ?? "more bytes than a file can hold"
            let span = end >= begin ? "span \(end - begin)" : "are reversed"
            return "tensor '\(tensor)' of shape \(shape) needs \(needed), its data_offsets [\(begin), \(end)] \(span)"
        case .overlappingOffsets(let first, let second):
            return "tensors '\(first)' and '\(second)' have overlapping data_offsets"
        case .truncated(let needed, let available):
            return "the file is truncated: its tensors need \(needed) bytes after the header, it has \(available)"
        case .offsetsOutsideFile(let tensor, let begin, let end, let size):
            return "tensor '\(tensor)' has data_offsets [\(begin), \(end)] outside the \(size)-byte buffer"
        case .unindexedBytes(let begin, let end):
            return "bytes \(begin)..<\(end) of the buffer belong to no tensor"
        case .unknownOp(let type):
            return "unknown op type '\(type)' (written by a newer KerasLens?)"
        case .unknownActivation(let type):
            return "unknown activation '\(type)' (written by a newer KerasLens?)"
        case .badAttribute(let op, let attribute):
            return "op '\(op)' lacks attribute '\(attribute)' or has it in the wrong form"
        case .missingTensor(let name):
            return "the graph refers to tensor '\(name)', which the file does not hold"
        case .invalidGraph(let reason):
            return "the graph JSON in __metadata__ is malformed: \(reason)"
        }
    }
}

extension GraphError {
    /// A native-format error in `file` (filled in by the reader when thrown below it), at `layer` when the problem
    /// belongs to one node.
    package static func native(_ problem: NativeFileProblem, file: String? = nil, layer: String? = nil) -> GraphError {
        GraphError(.nativeFile(problem), file: file, layer: layer, problem.description)
    }
}
