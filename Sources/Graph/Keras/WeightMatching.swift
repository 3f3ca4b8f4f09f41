import KerasLensH5Reader
import KerasLensGraph

/// Reads a layer's stored weights and gives each its canonical name.
struct WeightMatcher {
    let file: KerasFile

    func weights(for call: LayerCall, built: BuiltLayer) throws(GraphError) -> [String: Tensor] {
        var result = built.constants
        guard !built.weightNames.isEmpty || built.refusesStoredWeights else { return result }
        var stored: [NamedArray] = []
        if case .archive(let path) = call.weights, let folders = built.archiveFolders {
            for folder in folders { stored += try read(.archive(path: "\(path)/\(folder)"), layer: call.config) }
        } else {
            stored = try read(call.weights, layer: call.config)
        }
        for (name, tensor) in try assign(stored, built: built, layer: call.config) {
            result[name] = tensor
            if let (stored, shape) = built.reshaped[name] {
                guard tensor.shape == stored else {
                    throw call.config.error(.weights, "\(name) has shape \(tensor.shape), the configuration needs \(stored)")
                }
                result[name] = Tensor(shape: shape, scalars: tensor.scalars)
            }
        }
        return try built.convertStored?(result) ?? result
    }

    private func read(_ location: WeightLocation, layer: LayerConfig) throws(GraphError) -> [NamedArray] {
        do {
            switch location {
            case .hdf5(let group, nil):
                return try file.layerWeights(group)
            case .hdf5(let group, let inner?):
                // A nested model's weights are saved in its own group, named "<inner layer>/<weight>".
                return try file.layerWeights(group).filter { $0.name.split(separator: "/").dropLast().last.map(String.init) == inner }
            case .archive(let path):
                return try file.archiveVariables(at: path)
            }
        } catch {
            // The importer adds the file to the layer's error, so the reader's message goes in without it.
            throw layer.error(.weights, "cannot read its weights: \(error.reason)")
        }
    }

    /// Matches by name where the file names every weight (HDF5), else by Keras's storage order (`.keras`).
    private func assign(_ stored: [NamedArray], built: BuiltLayer, layer: LayerConfig) throws(GraphError) -> [String: Tensor] {
        let expected = built.weightNames
        guard stored.count <= expected.count, stored.count >= expected.count - built.optionalTrailing else {
            throw layer.error(.weights, "expected weights \(expected), the file has \(stored.map(\.name))")
        }
        var byName: [String: Tensor] = [:]
        for weight in stored {
            let short = shortName(weight.name)
            let canonical = built.aliases[short] ?? short
            if expected.contains(canonical), byName[canonical] == nil {
                byName[canonical] = Tensor(weight.array)
            }
        }
        if byName.count == stored.count { return byName }
        return Dictionary(uniqueKeysWithValues: zip(expected, stored.map { Tensor($0.array) }))
    }

    /// `conv2d/kernel:0` → `kernel`.
    private func shortName(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        if let colon = last.lastIndex(of: ":"), last[last.index(after: colon)...].allSatisfy(\.isNumber) {
            return String(last[..<colon])
        }
        return last
    }
}

extension Tensor {
    init(_ array: H5Array) {
        self.init(shape: array.shape, scalars: array.values)
    }
}
