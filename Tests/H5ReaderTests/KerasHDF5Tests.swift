import Foundation
import Testing
@testable import KerasLensH5Reader

@Suite struct KerasHDF5Tests {
    @Test func fullModelFile() throws {
        let keras = try KerasFile(path: Cases.path("keras2_model.h5"))
        #expect(keras.container == .hdf5)
        #expect(keras.kerasVersion == "2.4.0")
        #expect(keras.backend == "tensorflow")
        let config = try #require(keras.modelConfig)
        #expect(config.hasPrefix("{"))
        #expect(try JSONSerialization.jsonObject(with: Data(config.utf8)) is [String: Any])
        #expect(try keras.layerNames() == ["dense", "flatten", "dense_1"])
        #expect(keras.archiveHasGroup("/model_weights") == false)
    }

    @Test func layerWeightsFollowWeightNames() throws {
        let keras = try KerasFile(path: Cases.path("keras2_model.h5"))
        let weights = try keras.layerWeights("dense")
        #expect(weights.map(\.name) == ["dense/kernel:0", "dense/bias:0"])
        #expect(weights[0].array == H5Array(shape: [4, 3], values: (0..<12).map(Float.init)))
        #expect(weights[1].array == H5Array(shape: [3], values: [0.5, -0.5, 1]))
        #expect(try keras.layerWeights("flatten") == [])
        #expect(try keras.layerWeights("dense_1").map(\.array.shape) == [[3, 2]])
    }

    /// Soft links name paths inside the file, so they are followed: absolute ones and ones relative to their group.
    @Test func softLinksInsideTheFileAreFollowed() throws {
        let keras = try KerasFile(path: Cases.path("keras2_soft_links.h5"))
        let dense = try keras.layerWeights("dense")
        #expect(dense.map(\.name) == ["dense/kernel:0", "dense/bias:0"])
        #expect(dense[1].array == H5Array(shape: [3], values: [0.5, -0.5, 1]))
        #expect(try keras.layerWeights("dense_1").map(\.array) == [H5Array(shape: [3, 2], values: Array(repeating: 1, count: 6))])
    }

    /// The same file from memory, as a service holding an upload would open it.
    @Test func fileFromMemory() throws {
        let keras = try KerasFile(hdf5Bytes: try Cases.bytes("keras2_model.h5"), name: "upload.h5")
        #expect(keras.path == "upload.h5")
        #expect(try keras.layerNames() == ["dense", "flatten", "dense_1"])
        #expect(try keras.layerWeights("dense")[1].array == H5Array(shape: [3], values: [0.5, -0.5, 1]))
    }

    @Test func weightListedButAbsent() throws {
        let keras = try KerasFile(path: Cases.path("keras2_model.h5"))
        let error = #expect(throws: KerasFileError.self) { try keras.layerWeights("ghost") }
        #expect(error?.kind == .hdf5(H5Error(kind: .missingObject, file: keras.path,
                                             path: "/model_weights/ghost/ghost/kernel:0", detail: "no such dataset")))
        #expect(error?.description == "\(keras.path): /model_weights/ghost/ghost/kernel:0: no such dataset")
    }

    @Test func unknownLayer() throws {
        let keras = try KerasFile(path: Cases.path("keras2_model.h5"))
        let error = #expect(throws: KerasFileError.self) { try keras.layerWeights("nope") }
        guard case .hdf5(let underlying) = error?.kind else { Issue.record("expected an HDF5 error"); return }
        #expect(underlying.kind == .missingObject)
        #expect(underlying.path == "/model_weights/nope@weight_names")
    }

    @Test func archiveCallsAreRefusedForHDF5() throws {
        let keras = try KerasFile(path: Cases.path("keras2_model.h5"))
        let error = #expect(throws: KerasFileError.self) { try keras.archiveVariables(at: "layers/dense") }
        #expect(error?.kind == .wrongContainer)
    }

    /// `model.save_weights("x.h5")`: no model_config, layer_names on the root (here in 12 chunks).
    @Test func keras2WeightsOnlyFile() throws {
        let keras = try KerasFile(path: Cases.path("keras2_weights.h5"))
        #expect(keras.modelConfig == nil)
        #expect(keras.kerasVersion == "2.4.0")
        #expect(try keras.layerNames() == (0..<12).map { "layer\($0)" })
        let weights = try keras.layerWeights("layer10")
        #expect(weights == [NamedArray(name: "layer10/bias:0", array: H5Array(shape: [2], values: [10, 10]))])
    }

    @Test func keras3WeightsOnlyFile() throws {
        let keras = try KerasFile(path: Cases.path("keras3.weights.h5"))
        #expect(keras.container == .hdf5)
        #expect(keras.modelConfig == nil && keras.kerasVersion == nil && keras.backend == nil)
        let error = #expect(throws: KerasFileError.self) { try keras.layerNames() }
        guard case .hdf5(let underlying) = error?.kind else { Issue.record("expected an HDF5 error"); return }
        #expect(underlying.kind == .missingAttribute)
    }

    @Test(arguments: ["text.h5", "text.keras"])
    func neitherHDF5NorZIP(name: String) {
        let path = Cases.path(name)
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: path) }
        #expect(error?.kind == .unknownFormat)
        #expect(error?.description == "\(path): not an HDF5 file or a Keras archive")
    }

    @Test func missingFile() {
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: Cases.path("absent.h5")) }
        #expect(error?.kind == .cannotRead)
    }

    @Test func truncatedHDF5() {
        let path = Cases.path("truncated.h5")
        let error = #expect(throws: KerasFileError.self) { try KerasFile(path: path) }
        guard case .hdf5(let underlying) = error?.kind else { Issue.record("expected an HDF5 error"); return }
        #expect(underlying.kind == .cannotOpen)
        #expect(error?.description.hasPrefix(path) == true)
    }
}
