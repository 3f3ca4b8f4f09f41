import CHDF5

extension H5File {
    /// Names of the attributes on the object at `path`, in name order.
    public func attributeNames(of path: String) throws(H5Error) -> [String] {
        let location = location(path)
        return try HDF5Library.serialized { () throws(H5Error) -> [String] in
            guard exists(location.path) else { throw location.error(.missingObject, "no such object") }
            let object = H5Oopen(id, location.path, kl_H5P_DEFAULT())
            guard object >= 0 else { throw location.libraryError(.readFailed, "cannot open the object") }
            defer { H5Oclose(object) }
            var info = H5O_info_t()
            guard H5Oget_info2(object, &info, UInt32(H5O_INFO_NUM_ATTRS)) >= 0 else {
                throw location.libraryError(.readFailed, "cannot count its attributes")
            }
            var names: [String] = []
            for index in 0..<info.num_attrs {
                let name = H5Name.read { buffer, size in
                    H5Aget_name_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_INC, index, buffer, size, kl_H5P_DEFAULT())
                }
                guard let name else { throw location.libraryError(.readFailed, "cannot read attribute name \(index)") }
                names.append(name)
            }
            return names
        }
    }

    public func hasAttribute(_ name: String, at path: String) -> Bool {
        HDF5Library.serialized {
            exists(path) && H5Aexists_by_name(id, H5Path.normalized(path), name, kl_H5P_DEFAULT()) > 0
        }
    }

    /// A scalar string, or the only element of a one-element string array.
    public func stringAttribute(_ name: String, at path: String) throws(H5Error) -> String {
        try withAttribute(name, at: path) { (value) throws(H5Error) -> String in
            let strings = try H5Strings.read(value, expected: "a string")
            guard strings.count == 1 else {
                throw value.location.error(.badShape, "expected one string, found \(strings.count)")
            }
            return strings[0]
        }
    }

    /// The strings of attribute `name`. An empty numeric array (Keras's `weight_names` for a layer without
    /// weights) gives []. When `name` is missing but `name0`, `name1`, … exist — Keras splits attributes over
    /// 64 KB that way — the chunks are concatenated in numeric order.
    public func stringArrayAttribute(_ name: String, at path: String) throws(H5Error) -> [String] {
        try HDF5Library.serialized { () throws(H5Error) -> [String] in
            // Read `name` itself when present, and also when there are no chunks, to report it missing.
            if hasAttribute(name, at: path) || !hasAttribute("\(name)0", at: path) {
                return try stringArray(name, at: path)
            }
            var strings: [String] = []
            var chunk = 0
            while hasAttribute("\(name)\(chunk)", at: path) {
                strings += try stringArray("\(name)\(chunk)", at: path)
                chunk += 1
            }
            return strings
        }
    }

    public func numericAttribute(_ name: String, at path: String) throws(H5Error) -> H5Array {
        try withAttribute(name, at: path) { (value) throws(H5Error) in try H5Numbers.read(value) }
    }

    private func stringArray(_ name: String, at path: String) throws(H5Error) -> [String] {
        try withAttribute(name, at: path) { (value) throws(H5Error) -> [String] in
            if H5Numbers.isNumeric(value), try value.shape().count == 0 { return [] }
            return try H5Strings.read(value, expected: "a string array")
        }
    }

    private func withAttribute<T>(
        _ name: String, at path: String, _ body: (borrowing H5Value) throws(H5Error) -> T
    ) throws(H5Error) -> T {
        let object = location(path)
        let location = object.attribute(name)
        return try HDF5Library.serialized { () throws(H5Error) -> T in
            guard exists(object.path) else { throw location.error(.missingObject, "no such object") }
            guard hasAttribute(name, at: object.path) else { throw location.error(.missingAttribute, "no such attribute") }
            let attribute = H5Aopen_by_name(id, object.path, name, kl_H5P_DEFAULT(), kl_H5P_DEFAULT())
            guard attribute >= 0 else { throw location.libraryError(.readFailed, "cannot open the attribute") }
            return try body(H5Value(kind: .attribute, id: attribute, location: location))
        }
    }
}
