import ArgumentParser
import KerasLens

/// Loads any model file the CLI accepts: `.h5`, `.keras` or a native `.safetensors`.
func loadGraph(_ path: String) throws -> Graph {
    try ModelFile.load(path: path)
}

/// Loads an array argument, naming the option in the error.
func loadArray(_ path: String, option: String) throws -> Tensor {
    do {
        return try NumPyFile.read(path: path)
    } catch {
        throw InputError("\(option): \(error)")
    }
}
