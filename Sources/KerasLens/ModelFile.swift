import Foundation
import KerasLensGraph
import KerasLensKeras
import KerasLensNative

/// The one way to open any model file KerasLens accepts, so that every command takes `.h5`, `.keras` and native
/// `.safetensors` files alike.
public enum ModelFile {
    public enum Kind: Sendable, Equatable {
        /// A Keras `.h5` or `.keras` file, read by `KerasImporter`.
        case keras
        /// A KerasLens safetensors file, read by `NativeFile`.
        case native
    }

    /// Which reader a file needs: by its first bytes when they tell (HDF5 and ZIP signatures, or a safetensors
    /// header length followed by `{`), else by the extension. Unreadable files go to the Keras importer, whose
    /// error names the file.
    public static func kind(of path: String) -> Kind {
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            let start = [UInt8]((try? handle.read(upToCount: 9)) ?? Data())
            if start.starts(with: [0x89, 0x48, 0x44, 0x46]) || start.starts(with: [0x50, 0x4B]) { return .keras }
            if start.count == 9, start[8] == UInt8(ascii: "{") { return .native }
        }
        return path.lowercased().hasSuffix(".safetensors") ? .native : .keras
    }

    /// The graph in the file at `path`, whichever format it is.
    public static func load(path: String) throws(GraphError) -> Graph {
        switch kind(of: path) {
        case .keras: return try KerasImporter.load(path: path)
        case .native: return try NativeFile.read(path: path, selfTest: false).graph
        }
    }
}
