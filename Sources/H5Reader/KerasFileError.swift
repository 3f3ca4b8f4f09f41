/// A failure reading a Keras model file, naming the file and what is wrong with it.
public struct KerasFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file cannot be read at all (missing, a directory, unreadable).
        case cannotRead
        /// Neither an HDF5 file nor a ZIP archive.
        case unknownFormat
        /// A ZIP archive that cannot be parsed, or whose entry is damaged.
        case badArchive
        /// A `.keras` archive without a required entry.
        case missingEntry
        /// An archive entry whose size exceeds the caps against decompression bombs.
        case entryTooLarge
        /// An entry that is present but unusable (not UTF-8, `metadata.json` not a JSON object, ...).
        case badEntry
        /// A call that only makes sense for the other container (e.g. `archiveVariables` on an `.h5`).
        case wrongContainer
        /// The HDF5 layer failed; its error names the HDF5 file or image and the object path.
        case hdf5(H5Error)
    }

    public let kind: Kind
    /// Path of the Keras file.
    public let file: String
    public let detail: String

    public init(kind: Kind, file: String, detail: String) {
        self.kind = kind
        self.file = file
        self.detail = detail
    }

    init(_ error: H5Error, file: String) {
        self.init(kind: .hdf5(error), file: file, detail: error.detail)
    }

    public var description: String {
        if case .hdf5(let error) = kind { return error.description }
        return "\(file): \(detail)"
    }

    /// The message without the file, for a caller whose own error names it already: for an HDF5 failure, the
    /// object (a weight's dataset, say) and what is wrong with it.
    public var reason: String {
        if case .hdf5(let error) = kind { return error.reason }
        return detail
    }
}
