extension KerasFile {
    /// HDF5 files: the layer names in `model_weights`'s `layer_names` attribute (chunked or not), or the root's
    /// for a Keras 2 `save_weights` file. Empty for `.keras` archives.
    public func layerNames() throws(KerasFileError) -> [String] {
        guard container == .hdf5 else { return [] }
        return try Self.hdf5(path) { () throws(H5Error) in
            try weights.stringArrayAttribute("layer_names", at: weightsRoot)
        }
    }

    /// HDF5 files: one layer's weights in the order of its `weight_names` attribute, each under its stored
    /// name (e.g. "conv2d/kernel:0") and read from `<layer group>/<weight name>`. Paths come only from
    /// `weight_names`, never guessed.
    public func layerWeights(_ layer: String) throws(KerasFileError) -> [NamedArray] {
        guard container == .hdf5 else {
            throw wrongContainer("layer weights by name exist only in .h5 files; use archiveVariables(at:)")
        }
        return try Self.hdf5(path) { () throws(H5Error) in
            let group = H5Path.join(weightsRoot, layer)
            return try weights.stringArrayAttribute("weight_names", at: group).map { (name) throws(H5Error) in
                NamedArray(name: name, array: try weights.dataset(H5Path.join(group, name)))
            }
        }
    }

    /// `.keras` archives: the variables under `<path>/vars` in model.weights.h5 (e.g. path "layers/conv2d"),
    /// named "0", "1", … and returned in numeric order. [] when the group has no `vars`.
    public func archiveVariables(at path: String) throws(KerasFileError) -> [NamedArray] {
        guard container == .archive else {
            throw wrongContainer("variables by path exist only in .keras archives; use layerWeights(_:)")
        }
        return try Self.hdf5(self.path) { () throws(H5Error) in
            let group = H5Path.normalized(path)
            let vars = H5Path.join(group, "vars")
            guard weights.exists(vars) else {
                guard weights.isGroup(group) else { throw weights.location(group).error(.missingObject, "no such group") }
                return []
            }
            let names = try weights.children(of: vars).sorted { (Int($0) ?? .max, $0) < (Int($1) ?? .max, $1) }
            return try names.map { (name) throws(H5Error) in
                NamedArray(name: name, array: try weights.dataset(H5Path.join(vars, name)))
            }
        }
    }

    /// Whether `path` is a group in the archive's weights file, for walking nested containers. False for .h5.
    public func archiveHasGroup(_ path: String) -> Bool {
        container == .archive && weights.isGroup(path)
    }

    /// Where a Keras 2 file keeps its layer groups: `/model_weights` in a full model, the root in `save_weights`.
    private var weightsRoot: String {
        weights.isGroup("/model_weights") ? "/model_weights" : "/"
    }

    private func wrongContainer(_ detail: String) -> KerasFileError {
        KerasFileError(kind: .wrongContainer, file: path, detail: detail)
    }
}
