import Foundation
import KerasLensGraph
import KerasLensRuntime
import KerasLens
import Testing

/// keras.applications backbones that `Fixtures/generate_applications.py` writes into the ignored `.build-zoo-cache/`
/// (scripts/test.sh runs it first): Keras's recorded outputs within atol 1e-5 + rtol 1e-4, and the summary. With no
/// cache there are no cases (the generator needs TensorFlow and several minutes).
@Suite struct ApplicationsParityTests {
    static let manifest = FixtureManifest.root.appendingPathComponent(".build-zoo-cache/manifest.json")

    static let models: [FixtureManifest.Model] = {
        guard let data = try? Data(contentsOf: manifest) else { return [] }
        do {
            return try JSONDecoder().decode(FixtureManifest.self, from: data).models
        } catch {
            fatalError("cannot read \(manifest.path): \(error)")
        }
    }()

    @Test(arguments: models)
    func outputsMatchKeras(_ record: FixtureManifest.Model) throws {
        let graph = try KerasImporter.load(path: FixtureManifest.path(record.file))
        #expect(graph.parameterCount == record.params)
        let result = try Model(graph).run(try record.inputs.map(FixtureManifest.array))
        let expected = try record.expectedOutputs.map(FixtureManifest.array)
        #expect(result.outputs.count == expected.count)
        for (actual, wanted) in zip(result.outputs, expected) {
            expectClose(actual, wanted)
        }
    }
}
