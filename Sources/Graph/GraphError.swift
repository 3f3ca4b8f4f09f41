/// Why a model could not be imported or a graph is inconsistent. Each case says enough to fix the input: the file,
/// the layer (name and Keras class) and what was expected.
public struct GraphError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file itself could not be read (wraps the reader's message).
        case unreadable
        /// A layer, activation or option KerasLens does not implement.
        case unsupported
        /// The model configuration is malformed or inconsistent.
        case invalidConfig
        /// Weights are missing, extra, or of the wrong shape.
        case weights
        /// Shapes do not fit together.
        case shape
        /// A KerasLens native (`.safetensors`) file that breaks the format; the problem says which rule.
        case nativeFile(NativeFileProblem)
    }

    public var kind: Kind
    public var file: String?
    public var layer: String?
    public var kerasClass: String?
    public var detail: String

    public init(_ kind: Kind, file: String? = nil, layer: String? = nil, kerasClass: String? = nil, _ detail: String) {
        self.kind = kind
        self.file = file
        self.layer = layer
        self.kerasClass = kerasClass
        self.detail = detail
    }

    /// The same error, attributed to a file.
    public func inFile(_ path: String) -> GraphError {
        var copy = self
        if copy.file == nil { copy.file = path }
        return copy
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let layer {
            parts.append(kerasClass.map { "layer '\(layer)' (\($0))" } ?? "layer '\(layer)'")
        } else if let kerasClass {
            parts.append(kerasClass)
        }
        parts.append(detail)
        return parts.joined(separator: ": ")
    }
}
