import KerasLensGraph

/// Why a graph cannot run on the given tensors.
public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// An input tensor does not have the shape the model takes.
        case inputShape
        /// An input value the model cannot take (a token id outside an Embedding's vocabulary).
        case inputValue
        /// A layer name that the graph does not have.
        case unknownLayer
        /// The graph uses something the runtime cannot execute.
        case unsupported
    }

    public var kind: Kind
    public var layer: String?
    public var detail: String

    public init(_ kind: Kind, layer: String? = nil, _ detail: String) {
        self.kind = kind
        self.layer = layer
        self.detail = detail
    }

    public var description: String {
        layer.map { "layer '\($0)': \(detail)" } ?? detail
    }
}
