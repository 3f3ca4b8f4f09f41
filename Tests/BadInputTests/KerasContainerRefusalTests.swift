import KerasLensH5Reader
import KerasLens
import Testing

/// Files refused by the container reader before any Keras configuration is looked at: not HDF5, damaged or
/// hostile ZIP archives (bombs, path traversal), HDF5 images that libhdf5 cannot open.
@Suite struct KerasContainerRefusalTests {
    enum Expected: Sendable {
        case kind(KerasFileError.Kind)
        case hdf5(H5Error.Kind)
    }

    static let cases: [Refusal<Expected>] = [
        Refusal("h5/not_hdf5.h5", .kind(.unknownFormat), "not an HDF5 file or a Keras archive"),
        Refusal("h5/empty.h5", .kind(.unknownFormat), "not an HDF5 file or a Keras archive"),
        Refusal("keras/missing_config.keras", .kind(.missingEntry), "the archive has no entry config.json"),
        Refusal("keras/missing_weights.keras", .kind(.missingEntry), "the archive has no entry model.weights.h5"),
        Refusal("keras/path_traversal.keras", .kind(.badArchive), "entry '../../x' points outside the archive"),
        Refusal("keras/bomb_declared.keras", .kind(.entryTooLarge), "declares 1500000000 bytes from 986 compressed, a ratio above 1000"),
        Refusal("keras/bomb_lying.keras", .kind(.entryTooLarge), "inflates beyond its declared 100 bytes"),
        Refusal("keras/not_zip.keras", .kind(.badArchive), "not a readable ZIP archive"),
        Refusal("keras/weights_not_hdf5.keras", .hdf5(.notHDF5), "model.weights.h5: not an HDF5 file"),
        Refusal("keras/weights_truncated.keras", .hdf5(.cannotOpen), "model.weights.h5: cannot be opened (libhdf5: truncated file"),
        // Global heaps libhdf5 1.10 would crash or hang on (H5GlobalHeapCheck).
        Refusal("h5/global_heap_object_too_large.h5", .hdf5(.cannotOpen),
                "global heap collection at byte 2048 is damaged: object 1 declares 4611686018427387904 bytes, which do not fit in the collection"),
        Refusal("h5/global_heap_object_size_max.h5", .hdf5(.cannotOpen),
                "global heap collection at byte 2048 is damaged: object 1 declares 18446744073709551615 bytes, which do not fit in the collection"),
        Refusal("h5/global_heap_free_space_empty.h5", .hdf5(.cannotOpen),
                "global heap collection at byte 2048 is damaged: object 0 declares 0 bytes, which do not fit in the collection"),
    ]

    @Test(arguments: cases) func isRefused(_ refusal: Refusal<Expected>) {
        let path = BadInputCorpus.root.appendingPathComponent(refusal.file).path
        #expect {
            _ = try KerasFile(path: path)
        } throws: { error in
            guard let error = error as? KerasFileError, error.description.hasPrefix(path),
                  error.description.contains(refusal.fragment) else { return false }
            switch (refusal.kind, error.kind) {
            case (.kind(let expected), let kind): return kind == expected
            case (.hdf5(let expected), .hdf5(let inner)): return inner.kind == expected
            default: return false
            }
        }
    }

    /// Truncated at any offset, a real `.h5` or `.keras` is refused with an error naming it, never read.
    @Test(arguments: BadInputCorpus.truncations("h5").map { "h5/\($0)" } + BadInputCorpus.truncations("keras").map { "keras/\($0)" })
    func truncatedFileIsRefused(_ file: String) {
        let path = BadInputCorpus.root.appendingPathComponent(file).path
        #expect {
            _ = try KerasFile(path: path)
        } throws: { error in
            guard let error = error as? KerasFileError, error.description.hasPrefix(path) else { return false }
            switch error.kind {
            case .unknownFormat, .badArchive: return true
            case .hdf5(let inner): return inner.kind == .cannotOpen
            default: return false
            }
        }
    }
}
