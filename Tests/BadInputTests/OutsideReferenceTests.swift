import CHDF5
import Foundation
import KerasLensH5Reader
import KerasLens
import Testing

/// Files that would make the reader touch something outside themselves (Tests/BadInputs/h5/outside_*, soft_link_*,
/// keras/weights_external_storage.keras): each is refused as it is opened, naming the HDF5 path and the feature, from
/// disk and from memory alike.
@Suite struct OutsideReferenceTests {
    static let cases: [Refusal<H5Error.Kind>] = [
        Refusal("h5/outside_external_storage.h5", .reachesOutside,
                "/model_weights/dense_softmax/dense_softmax/bias:0: a dataset whose data are stored in an external file '/etc/passwd'"),
        Refusal("h5/outside_external_link.h5", .reachesOutside,
                "/model_weights/dense_softmax/dense_softmax/bias:0: an external link, into another file"),
        Refusal("h5/outside_virtual_dataset.h5", .reachesOutside,
                "/model_weights/dense_softmax/dense_softmax/bias:0: a virtual dataset, whose data are mapped from other files"),
        Refusal("h5/outside_plugin_filter.h5", .unsupportedFilter,
                "/model_weights/dense_softmax/dense_softmax/bias:0: filter 32001 is not built into libhdf5"),
        Refusal("h5/soft_link_cycle.h5", .brokenLink, "/loop_a: soft link to '/loop_b' does not resolve inside the file"),
        Refusal("h5/soft_link_chain.h5", .brokenLink, "/chain_0: soft link to '/chain_1' does not resolve inside the file"),
        Refusal("keras/weights_external_storage.keras", .reachesOutside,
                "model.weights.h5: /layers/dense/vars/1: a dataset whose data are stored in an external file '/etc/passwd'"),
    ]

    static func matches(_ error: any Error, _ refusal: Refusal<H5Error.Kind>, file: String) -> Bool {
        guard let error = error as? KerasFileError, case .hdf5(let inner) = error.kind else { return false }
        return inner.kind == refusal.kind && error.description.hasPrefix(file) && error.description.contains(refusal.fragment)
    }

    @Test(arguments: cases) func isRefusedFromDisk(_ refusal: Refusal<H5Error.Kind>) {
        let path = BadInputCorpus.root.appendingPathComponent(refusal.file).path
        #expect { _ = try KerasFile(path: path) } throws: { Self.matches($0, refusal, file: path) }
    }

    @Test(arguments: cases.filter { $0.file.hasSuffix(".h5") }) func isRefusedFromMemory(_ refusal: Refusal<H5Error.Kind>) throws {
        let bytes = [UInt8](try Data(contentsOf: BadInputCorpus.root.appendingPathComponent(refusal.file)))
        #expect { _ = try KerasFile(hdf5Bytes: bytes, name: "upload.h5") } throws: { Self.matches($0, refusal, file: "upload.h5") }
    }

    /// Once the reader has opened anything, libhdf5 loads no plugin whatever `HDF5_PLUGIN_PATH` says, and has no
    /// external-link class left to traverse such a link with.
    @Test func libraryIsHardened() throws {
        _ = try KerasFile(path: BadInputCorpus.root.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/zoo/mlp.k2.h5").path)
        var state: UInt32 = 1
        #expect(H5PLget_loading_state(&state) >= 0)
        #expect(state == 0)
        #expect(H5Lis_registered(H5L_TYPE_EXTERNAL) == 0)
    }
}
