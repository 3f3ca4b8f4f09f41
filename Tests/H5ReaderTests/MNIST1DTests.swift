import Foundation
import Testing
@testable import KerasLensH5Reader

/// The real Keras 2.4 file from `<repo>/../shared/models`; skipped where that folder is absent.
@Suite(.enabled(if: Cases.sharedModel("MNIST1D.h5") != nil, "needs ../shared/models/MNIST1D.h5"))
struct MNIST1DTests {
    let keras: KerasFile

    init() throws {
        keras = try KerasFile(path: try #require(Cases.sharedModel("MNIST1D.h5")))
    }

    @Test func rootAttributes() throws {
        #expect(keras.container == .hdf5)
        #expect(keras.kerasVersion == "2.4.0")
        #expect(keras.backend == "tensorflow")
        let config = try #require(keras.modelConfig)
        #expect(config.hasPrefix("{"))
        #expect(try JSONSerialization.jsonObject(with: Data(config.utf8)) is [String: Any])
    }

    @Test func layerNames() throws {
        #expect(try keras.layerNames() == ["conv1d", "conv1d_1", "conv1d_2", "flatten", "dense"])
    }

    @Test func firstConvolution() throws {
        let weights = try keras.layerWeights("conv1d")
        #expect(weights.map(\.name) == ["conv1d/kernel:0", "conv1d/bias:0"])
        #expect(weights.map(\.array.shape) == [[5, 1, 25], [25]])
        #expect(weights[0].array.values.contains { $0 != 0 })
    }
}
