import Foundation
import Testing
import TestSupport

@Suite struct EvaluateCommandTests {
    let model = CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path
    let inputs = CLIRunner.fixtures.appendingPathComponent("mnist1d_test_x.npy").path
    let labels = CLIRunner.fixtures.appendingPathComponent("mnist1d_test_y.npy").path

    @Test func jsonHasTheDocumentedShape() throws {
        let result = try CLIRunner.run(["evaluate", model, "--input", inputs, "--labels", labels, "--methods", "gradcam,occlusion",
                                        "--layer", "conv1d_2", "--samples", "12", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["accuracy"] as? Double == 0.905)
        #expect((object["class_accuracy"] as? [Double])?.count == 10)
        #expect((object["confusion_matrix"] as? [[Int]])?.flatMap { $0 }.reduce(0, +) == 1000)
        #expect((object["confusion_matrix_normalized"] as? [[Double]])?.count == 10)
        #expect((object["auc"] as? [Double])?.count == 10)
        let report = try #require(object["report"] as? [String: Any])
        #expect((report["macro avg"] as? [String: Any])?["f1"] is Double)
        #expect((report["3"] as? [String: Any])?["support"] as? Int == 106)
        let explanations = try #require(object["explanations"] as? [String: [String: Any]])
        #expect(Set(explanations.keys) == ["gradcam", "occlusion"])
        let gradcam = try #require(explanations["gradcam"])
        for key in ["drop_rate", "increase_rate", "average_drop", "increase_in_confidence", "win_rate", "deletion_auc", "insertion_auc", "frac"] {
            let value = try #require(gradcam[key] as? Double, "\(key)")
            #expect(value >= 0 && value <= 1, "\(key) is a fraction")
        }
        #expect(gradcam["samples"] as? Int == 12)
        #expect(gradcam["layer"] as? String == "conv1d_2")
        #expect(gradcam["frac"] as? Double == 0.3)
        #expect((explanations["occlusion"]?["layer"]) is NSNull)
    }

    @Test func printsTableIAndWritesAReport() throws {
        let folder = try ScratchFolder.make().appendingPathComponent("report")
        let result = try CLIRunner.run(["evaluate", model, "--input", inputs, "--labels", labels, "--methods", "gradcam++",
                                        "--layer", "conv1d_2", "--samples", "5", "--show", "115,972", "--report", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Table I"))
        #expect(result.stdout.contains("weighted avg"))
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(html.contains("Sample 972"))
        #expect(html.contains("data:image/png;base64,"))
    }

    @Test func withoutLabelsOnlyExplanationsAreScored() throws {
        let result = try CLIRunner.run(["evaluate", model, "--input", inputs, "--methods", "saliency", "--samples", "4", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("\"accuracy\""))
        #expect(result.stdout.contains("\"saliency\""))
    }

    @Test func badOptionsAreNamed() throws {
        var result = try CLIRunner.run(["evaluate", model, "--input", inputs, "--methods", "magic"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("'magic'"))
        result = try CLIRunner.run(["evaluate", model, "--input", inputs, "--methods", "saliency", "--show", "5000"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--show"))
    }
}
