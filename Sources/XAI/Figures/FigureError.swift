/// Why a figure cannot be drawn from the given tensors; the CLI prints `description` as its one line on stderr.
public struct FigureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A tensor's shape does not fit the figure (wrong rank, channels, or a map that does not match its input).
        case shape
        /// The input holds NaN or infinity, which has no place on an axis or in an image.
        case nonFinite
    }

    public var kind: Kind
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { detail }
}
