import CHDF5

/// Reads integer and floating-point values of any width as Float32, letting libhdf5 convert.
enum H5Numbers {
    static func read(_ value: borrowing H5Value) throws(H5Error) -> H5Array {
        guard isNumeric(value) else {
            throw value.location.error(.wrongType, "expected numbers, found \(H5TypeDescription.of(value.type))")
        }
        let shape = try value.shape()
        try value.checkStorage(shape)
        guard shape.count > 0 else { return H5Array(shape: shape.dims, values: []) }
        var values = [Float](repeating: 0, count: shape.count)
        try value.read(as: kl_H5T_NATIVE_FLOAT(), into: &values)
        return H5Array(shape: shape.dims, values: values)
    }

    static func isNumeric(_ value: borrowing H5Value) -> Bool {
        value.typeClass == H5T_INTEGER || value.typeClass == H5T_FLOAT
    }
}
