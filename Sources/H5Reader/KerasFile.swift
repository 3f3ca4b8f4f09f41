import Foundation

/// A Keras model file, `.h5` (Keras 2 / legacy Keras 3) or `.keras` (Keras 3 archive), with its weights open
/// for the lifetime of this object. Knows where Keras keeps things, not what the layers mean.
public final class KerasFile: Sendable {
    public let path: String
    public let container: KerasContainer
    /// `keras_version` root attribute (.h5) or `metadata.json` field (.keras).
    public let kerasVersion: String?
    /// `backend` root attribute (.h5) or `metadata.json` field (.keras; Keras 3 usually omits it).
    public let backend: String?
    /// The model's JSON configuration; nil for weights-only files, which callers must refuse themselves.
    public let modelConfig: String?
    /// The HDF5 file itself (.h5), or the archive's `model.weights.h5` opened in memory (.keras).
    let weights: H5File

    public convenience init(path: String) throws(KerasFileError) {
        let container = try Self.sniff(path)
        let contents = container == .hdf5
            ? try Self.readHDF5(path) { () throws(H5Error) in try H5File(path: path) }
            : try Self.readArchive(path)
        self.init(path: path, container: container, contents: contents)
    }

    /// A Keras `.h5` file held in memory, for a caller that has the bytes rather than a path (a service that
    /// received an upload, the fuzzer); `name` labels errors. The same checks apply as to a file on disk.
    public convenience init(hdf5Bytes bytes: [UInt8], name: String) throws(KerasFileError) {
        let contents = try Self.readHDF5(name) { () throws(H5Error) in try H5File(bytes: bytes, name: name) }
        self.init(path: name, container: .hdf5, contents: contents)
    }

    private init(path: String, container: KerasContainer, contents: Contents) {
        self.path = path
        self.container = container
        kerasVersion = contents.kerasVersion
        backend = contents.backend
        modelConfig = contents.modelConfig
        weights = contents.weights
    }

    private struct Contents {
        let weights: H5File
        let kerasVersion: String?
        let backend: String?
        let modelConfig: String?
    }

    private static func sniff(_ path: String) throws(KerasFileError) -> KerasContainer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KerasFileError(kind: .cannotRead, file: path, detail: "no such file")
        }
        guard !isDirectory.boolValue else { throw KerasFileError(kind: .cannotRead, file: path, detail: "is a directory") }
        let prefix: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            prefix = try handle.read(upToCount: 8) ?? Data()
        } catch {
            throw KerasFileError(kind: .cannotRead, file: path, detail: "cannot be read (\(error.localizedDescription))")
        }
        guard let container = KerasContainer(sniffing: [UInt8](prefix)) else {
            throw KerasFileError(kind: .unknownFormat, file: path, detail: "not an HDF5 file or a Keras archive")
        }
        return container
    }

    private static func readHDF5(_ path: String, _ open: () throws(H5Error) -> H5File) throws(KerasFileError) -> Contents {
        try hdf5(path) { () throws(H5Error) in
            let file = try open()
            func rootString(_ name: String) throws(H5Error) -> String? {
                file.hasAttribute(name, at: "/") ? try file.stringAttribute(name, at: "/") : nil
            }
            return Contents(weights: file, kerasVersion: try rootString("keras_version"),
                            backend: try rootString("backend"), modelConfig: try rootString("model_config"))
        }
    }

    /// `metadata.json` is informational, so an archive without it still loads; one that is present but
    /// garbled is refused as a sign of a damaged file.
    private static func readArchive(_ path: String) throws(KerasFileError) -> Contents {
        let archive = try KerasArchive(path: path)
        let config = try archive.text("config.json")
        var metadata: KerasMetadata?
        if archive.contains("metadata.json") {
            let json = try archive.data("metadata.json")
            do {
                metadata = try JSONDecoder().decode(KerasMetadata.self, from: json)
            } catch {
                throw KerasFileError(kind: .badEntry, file: path,
                                     detail: "metadata.json is not a JSON object with string fields")
            }
        }
        let image = [UInt8](try archive.data("model.weights.h5"))
        let weights = try hdf5(path) { () throws(H5Error) in try H5File(bytes: image, name: "\(path):model.weights.h5") }
        return Contents(weights: weights, kerasVersion: metadata?.kerasVersion, backend: metadata?.backend,
                        modelConfig: config)
    }

    /// Runs HDF5 work on behalf of the Keras file at `path`, wrapping its errors.
    static func hdf5<T>(_ path: String, _ body: () throws(H5Error) -> T) throws(KerasFileError) -> T {
        do {
            return try body()
        } catch {
            throw KerasFileError(error, file: path)
        }
    }
}
