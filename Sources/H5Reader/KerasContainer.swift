/// How a Keras model file is packaged.
public enum KerasContainer: String, Sendable {
    /// A legacy HDF5 file (`.h5`): full model or weights only.
    case hdf5 = "h5"
    /// A Keras 3 ZIP archive (`.keras`).
    case archive = "keras"

    /// Recognises the container from the first bytes of the file, whatever its extension.
    init?(sniffing prefix: [UInt8]) {
        if prefix.starts(with: H5Signature.bytes) {
            self = .hdf5
        } else if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            self = .archive
        } else {
            return nil
        }
    }
}

/// One weight array and the name it is stored under.
public struct NamedArray: Sendable, Equatable {
    public let name: String
    public let array: H5Array

    public init(name: String, array: H5Array) {
        self.name = name
        self.array = array
    }
}
