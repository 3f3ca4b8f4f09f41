import Foundation
import Testing
import TestSupport

@Suite struct InspectCommandTests {
    let model = CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path

    @Test func printsAKerasStyleSummary() throws {
        let result = try CLIRunner.run(["inspect", model])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("conv1d_2 (Conv1D)"))
        #expect(result.stdout.contains("(None, 40, 25)"))
        #expect(result.stdout.contains("Total params: 13,960"))
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let result = try CLIRunner.run(["inspect", model, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["total_params"] as? Int == 13960)
        #expect(json["format"] as? String == "h5")
        #expect((json["keras_version"] as? String)?.hasPrefix("2.") == true)
        let layers = try #require(json["layers"] as? [[String: Any]])
        let dense = try #require(layers.first { $0["name"] as? String == "dense" })
        #expect(dense["class"] as? String == "Dense")
        #expect(dense["params"] as? Int == 10010)
        #expect((dense["output_shape"] as? [Any])?.count == 2)
        #expect((json["inputs"] as? [[String: Any]])?.count == 1)
        #expect((json["outputs"] as? [[String: Any]])?.count == 1)
    }

    @Test func missingFileIsAClearError() throws {
        let result = try CLIRunner.run(["inspect", "no/such/model.h5"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no/such/model.h5"))
    }

    @Test func textFileNamedH5IsRefused() throws {
        let folder = try ScratchFolder.make()
        let fake = folder.appendingPathComponent("fake.h5")
        try Data("this is not a model\n".utf8).write(to: fake)
        let result = try CLIRunner.run(["inspect", fake.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("fake.h5"))
    }
}
