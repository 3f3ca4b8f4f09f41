/// A failure reading an HDF5 file, naming the file and the object (or `object@attribute`) involved.
public struct H5Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case cannotOpen, notHDF5, missingObject, missingAttribute, wrongType, badShape, tooLarge, readFailed
        /// External links, external raw storage, virtual datasets, user-defined links: the file would make the
        /// reader touch something outside itself.
        case reachesOutside
        /// A filter that only a plugin could provide.
        case unsupportedFilter
        /// A soft link that does not resolve inside the file.
        case brokenLink
    }

    public let kind: Kind
    /// Path or label of the file.
    public let file: String
    /// HDF5 object path such as "/model_weights/conv2d"; an attribute is shown as "path@name".
    public let path: String
    /// What was expected and what was found.
    public let detail: String

    public init(kind: Kind, file: String, path: String, detail: String) {
        self.kind = kind
        self.file = file
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(file): \(reason)" }

    /// The message without the file, for a caller whose own error names it already: the object and what is wrong.
    public var reason: String { path.isEmpty ? detail : "\(path): \(detail)" }
}

/// Where in which file an operation happens, so every error names both.
struct H5Location: Sendable {
    let file: String
    let path: String

    func attribute(_ name: String) -> H5Location {
        H5Location(file: file, path: "\(path)@\(name)")
    }

    func error(_ kind: H5Error.Kind, _ detail: String) -> H5Error {
        H5Error(kind: kind, file: file, path: path, detail: detail)
    }

    /// An error whose detail ends with libhdf5's own explanation, when it left one.
    func libraryError(_ kind: H5Error.Kind, _ detail: String) -> H5Error {
        guard let reason = HDF5Library.lastErrorMessage() else { return error(kind, detail) }
        return error(kind, "\(detail) (libhdf5: \(reason))")
    }
}
