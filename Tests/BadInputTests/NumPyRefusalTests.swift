import KerasLensGraph
import Testing

/// `.npy` files refused by the reader, each with the reason in its message and before anything is allocated
/// from the declared shape.
@Suite struct NumPyRefusalTests {
    static let cases: [Refusal<Void>] = [
        Refusal("bad_magic.npy", (), "not a NumPy .npy file (bad magic bytes)"),
        Refusal("header_length_lies.npy", (), "the header claims 60000 bytes, past the end of the file"),
        Refusal("header_length_lies_v2.npy", (), "the header claims 4294967280 bytes, past the end of the file"),
        Refusal("fortran_order.npy", (), "the array is in Fortran order"),
        Refusal("object_dtype.npy", (), "the array holds Python objects (a pickle)"),
        Refusal("structured_dtype.npy", (), "the dtype is not a simple type"),
        Refusal("complex_dtype.npy", (), "dtype '<c8' is not supported"),
        Refusal("huge_shape.npy", (), "the header declares shape [1000000, 1000000] of float32 (4000000000000 bytes) but the file holds 24 bytes"),
        Refusal("overflowing_shape.npy", (), "the shape [4294967296, 4294967296] is too large"),
        Refusal("byte_size_overflow.npy", (), "shape [557029898, 4294967296] of float32 (more than 9223372036854775807 bytes) but the file holds 24 bytes"),
        Refusal("negative_shape.npy", (), "the shape has an invalid dimension '-6'"),
        Refusal("data_too_short.npy", (), "declares shape [7] of float32 (28 bytes) but the file holds 24 bytes"),
        Refusal("version_4.npy", (), "unsupported .npy version 4"),
        Refusal("no_shape.npy", (), "the header has no 'shape' entry"),
    ]

    /// Both readers: the whole array, and the row reader's header check.
    static let readers: [@Sendable (String) throws -> Void] = [{ _ = try NumPyFile.read(path: $0) }, { _ = try NumPyRows(path: $0) }]

    @Test(arguments: cases) func isRefused(_ refusal: Refusal<Void>) {
        let path = BadInputCorpus.path("npy", refusal.file)
        for read in Self.readers {
            #expect {
                try read(path)
            } throws: { error in
                guard let error = error as? NumPyError else { return false }
                return error.file == path && error.detail.contains(refusal.fragment)
            }
        }
    }

    /// A real `.npy` cut at any offset (inside the magic, the header or the data) is refused, naming the file.
    @Test(arguments: BadInputCorpus.truncations("npy")) func truncatedFileIsRefused(_ file: String) {
        let path = BadInputCorpus.path("npy", file)
        #expect {
            _ = try NumPyFile.read(path: path)
        } throws: { error in
            (error as? NumPyError)?.file == path
        }
    }
}
