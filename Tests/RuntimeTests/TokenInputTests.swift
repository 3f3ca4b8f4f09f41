import Foundation
import KerasLens
import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Token ids reaching an Embedding: checked before every run, named in the error; the integer .npy reader's values.
@Suite struct TokenInputTests {
    let model = try! Model(KerasImporter.load(path: FixtureManifest.path("zoo/embedding.k2.h5")))

    func ids(_ values: [Float]) -> Tensor { Tensor(shape: [1, 6], scalars: values) }

    @Test func outOfRangeIdIsRefused() {
        #expect(throws: RuntimeError(.inputValue, layer: "embedding",
                                     "token id 11.0 at flat position 2 of input 'ids' is outside the vocabulary 0..<11")) {
            _ = try model.run([ids([1, 2, 11, 0, 0, 3])])
        }
        #expect(throws: RuntimeError(.inputValue, layer: "embedding",
                                     "token id -1.0 at flat position 0 of input 'ids' is outside the vocabulary 0..<11")) {
            _ = try model.gradients([ids([-1, 2, 1, 0, 0, 3])], withRespectTo: ["embedding"])
        }
    }

    @Test func nonIntegralIdIsRefused() {
        #expect(throws: RuntimeError(.inputValue, layer: "embedding",
                                     "token id 2.5 at flat position 1 of input 'ids' is not an integer (the vocabulary is 0..<11)")) {
            _ = try model.predict([ids([1, 2.5, 1, 0, 0, 3])])
        }
        #expect(throws: RuntimeError.self) { _ = try model.run([ids([1, .nan, 1, 0, 0, 3])]) }
    }

    /// The Embedding's output is its table's rows for the ids; the model's token input is found.
    @Test func embeddingLooksUpRows() throws {
        let table = try #require(model.graph.node(named: "embedding")?.weights["embeddings"])
        let output = try model.run([ids([10, 0, 3, 3, 1, 0])], capture: ["embedding"]).layers["embedding"]!
        for (t, id) in [10, 0, 3, 3, 1, 0].enumerated() {
            #expect(Array(output.scalars[(t * 4)..<(t * 4 + 4)]) == Array(table.scalars[(id * 4)..<(id * 4 + 4)]))
        }
        #expect(model.tokenInputs == [TokenInput(input: 0, layer: "embedding", vocabulary: 11, direct: true)])
    }

    /// The text classifier's ids are stored as int32 and its labels as int64: read as exact floats.
    @Test func integerArraysAreReadAsFloats() throws {
        let ids = try FixtureManifest.array("text/text_classifier.test_x.npy")
        #expect(ids.shape == [200, 20])
        #expect(ids.scalars.allSatisfy { $0 >= 0 && $0 < 40 && $0 == $0.rounded() })
        #expect(ids.scalars.contains(7) && ids.scalars.contains(0))
    }
}
