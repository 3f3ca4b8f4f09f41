import Foundation
import Testing
@testable import KerasLensH5Reader

@Suite struct KerasArchiveTests {
    @Test func archiveContents() throws {
        let keras = try KerasFile(path: Cases.path("model.keras"))
        #expect(keras.container == .archive)
        #expect(keras.kerasVersion == "3.3.3")
        #expect(keras.backend == nil)
        #expect(keras.modelConfig?.hasPrefix("{\"module\": \"keras\"") == true)
        #expect(try keras.layerNames() == [])
    }

    @Test func variablesOfALayer() throws {
        let keras = try KerasFile(path: Cases.path("model.keras"))
        let variables = try keras.archiveVariables(at: "layers/dense")
        #expect(variables.map(\.name) == ["0", "1"])
        #expect(variables[0].array == H5Array(shape: [4, 3], values: (0..<12).map(Float.init)))
        #expect(variables[1].array == H5Array(shape: [3], values: [0, 0, 0]))
    }

    @Test func variablesComeInNumericOrder() throws {
        let keras = try KerasFile(path: Cases.path("model.keras"))
        let variables = try keras.archiveVariables(at: "/layers/dense_many")
        #expect(variables.map(\.name) == (0..<12).map(String.init))
        #expect(variables.map { $0.array.values[0] } == (0..<12).map(Float.init))
    }

    @Test(arguments: ["layers/flatten", "layers/dropout"])
    func layersWithoutVariables(path: String) throws {
        #expect(try KerasFile(path: Cases.path("model.keras")).archiveVariables(at: path) == [])
    }

    @Test func unknownGroupIsNamedWithTheImage() throws {
        let keras = try KerasFile(path: Cases.path("model.keras"))
        let error = #expect(throws: KerasFileError.self) { try keras.archiveVariables(at: "layers/nope") }
        #expect(error?.description == "\(keras.path):model.weights.h5: /layers/nope: no such group")
    }

    @Test func nestedGroups() throws {
        let keras = try KerasFile(path: Cases.path("model.keras"))
        #expect(keras.archiveHasGroup("layers/functional/layers/dense"))
        #expect(!keras.archiveHasGroup("layers/functional/layers/nope"))
        #expect(!keras.archiveHasGroup("layers/dense/vars/0"))
        #expect(try keras.archiveVariables(at: "layers/functional/layers/dense").count == 1)
    }

    @Test func layerCallsAreRefusedForArchives() throws {
        let keras = try KerasFile(path: Cases.path("model.keras"))
        let error = #expect(throws: KerasFileError.self) { try keras.layerWeights("dense") }
        #expect(error?.kind == .wrongContainer)
    }

    @Test func damagedEntryIsRefused() {
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: Cases.path("bad_crc.keras")) }
        #expect(error?.kind == .badArchive)
        #expect(error?.detail.contains("config.json") == true)
    }

    /// Also the deflated case: Keras stores entries, other tools compress them.
    @Test func metadataIsOptional() throws {
        let keras = try KerasFile(path: Cases.path("no_metadata.keras"))
        #expect(keras.kerasVersion == nil)
        #expect(try keras.archiveVariables(at: "layers/dense").count == 2)
    }

    @Test func missingWeightsEntry() {
        let path = Cases.path("missing_weights.keras")
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: path) }
        #expect(error?.kind == .missingEntry)
        #expect(error?.description == "\(path): the archive has no entry model.weights.h5")
    }

    @Test func garbledMetadata() {
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: Cases.path("bad_metadata.keras")) }
        #expect(error?.kind == .badEntry)
    }

    @Test func weightsEntryThatIsNotHDF5() {
        let path = Cases.path("text_weights.keras")
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: path) }
        guard case .hdf5(let underlying) = error?.kind else { Issue.record("expected an HDF5 error"); return }
        #expect(underlying.kind == .notHDF5)
        #expect(underlying.file == "\(path):model.weights.h5")
    }

    @Test func zipSignatureButNoArchive() {
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: Cases.path("garbage.keras")) }
        #expect(error?.kind == .badArchive)
    }

    /// 1 MiB of zeros deflated to about 1 KB; a real bomb is the same at a larger size.
    @Test func compressionRatioAboveTheCap() {
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: Cases.path("bomb_ratio.keras")) }
        #expect(error?.kind == .entryTooLarge)
        #expect(error?.detail.contains("config.json") == true)
    }

    @Test func declaredSizeAboveTheCap() {
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: Cases.path("bomb_declared.keras")) }
        #expect(error?.kind == .entryTooLarge)
        #expect(error?.detail.contains("3221225472") == true)
    }

    @Test func inflatingPastTheDeclaredSizeStops() {
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: Cases.path("bomb_liar.keras")) }
        #expect(error?.kind == .entryTooLarge)
        #expect(error?.detail == "entry config.json inflates beyond its declared 100 bytes")
    }

    @Test func entrySizeCapIsEnforced() throws {
        let archive = try KerasArchive(path: Cases.path("model.keras"), limits: .init(maxEntryBytes: 100))
        #expect(try archive.text("metadata.json").contains("3.3.3"))
        let error = #expect(throws: KerasFileError.self) { try archive.data("model.weights.h5") }
        #expect(error?.kind == .entryTooLarge)
    }
}
