import Foundation
import KerasLens
import Testing
import TestSupport

/// Models with several outputs (`multi_output`: classes, box and the trunk itself) and shared layers (`shared_chain`:
/// one Conv1D called twice) on the command line.
@Suite struct MultiOutputCommandTests {
    let model = CLIRunner.fixtures.appendingPathComponent("zoo/multi_output.keras").path
    let inputs = CLIRunner.fixtures.appendingPathComponent("zoo/multi_output.input.npy").path
    let recorded = (0..<3).map { CLIRunner.fixtures.appendingPathComponent("zoo/multi_output.k3.output\($0).npy").path }
    let chain = CLIRunner.fixtures.appendingPathComponent("zoo/shared_chain.k2.h5").path
    let chainInputs = CLIRunner.fixtures.appendingPathComponent("zoo/shared_chain.input.npy").path

    /// `--output Y.npy` writes Y.<output>.npy for each output, each as Keras computed it.
    @Test func predictWritesOneFilePerOutput() throws {
        let folder = try ScratchFolder.make()
        let result = try CLIRunner.run(["predict", model, "--input", inputs, "--output", folder.appendingPathComponent("y.npy").path])
        #expect(result.status == 0, "\(result.stderr)")
        for (name, expected) in zip(["classes", "box", "trunk"], recorded) {
            let written = try NumPyFile.read(path: folder.appendingPathComponent("y.\(name).npy").path)
            let wanted = try NumPyFile.read(path: expected)
            #expect(written.shape == wanted.shape, "\(name)")
            #expect(zip(written.scalars, wanted.scalars).allSatisfy { abs($0 - $1) <= 1e-5 + 1e-4 * abs($1) }, "\(name)")
        }
    }

    /// What needs one output refuses to guess, listing the outputs; `--output-name` picks one.
    @Test func oneOutputIsChosenByName() throws {
        var result = try CLIRunner.run(["predict", model, "--input", inputs])
        #expect(result.status != 0)
        #expect(result.stderr.contains("classes (3), box (2), trunk (6, 4)"))
        #expect(result.stderr.contains("--output-name"))
        result = try CLIRunner.run(["predict", model, "--input", inputs, "--output-name", "classes", "--top", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 3)
        let folder = try ScratchFolder.make()
        let box = folder.appendingPathComponent("box.npy").path
        result = try CLIRunner.run(["predict", model, "--input", inputs, "--output-name", "box", "--output", box])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try NumPyFile.read(path: box).shape == [3, 2])
        result = try CLIRunner.run(["predict", model, "--input", inputs, "--output-name", "pooled"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--output-name pooled"))
        #expect(result.stderr.contains("classes (3)"))
    }

    @Test func inspectListsTheOutputs() throws {
        var result = try CLIRunner.run(["inspect", model])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Outputs: classes (None, 3), box (None, 2), trunk (None, 6, 4)"))
        result = try CLIRunner.run(["inspect", model, "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let outputs = try #require(json["outputs"] as? [[String: Any]])
        #expect(outputs.map { $0["name"] as? String } == ["classes", "box", "trunk"])
    }

    @Test func explainAndEvaluateTakeTheOutputName() throws {
        var result = try CLIRunner.run(["explain", model, "--input", inputs, "--method", "gradcam", "--layer", "trunk"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--output-name"))
        result = try CLIRunner.run(["explain", model, "--input", inputs, "--method", "gradcam", "--layer", "trunk",
                                    "--output-name", "classes", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""layer":"trunk""#))
        result = try CLIRunner.run(["evaluate", model, "--input", inputs, "--methods", "gradcam", "--layer", "trunk",
                                    "--output-name", "classes", "--no-curves"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("gradcam"))
    }

    @Test func verifyComparesEveryOutput() throws {
        let result = try CLIRunner.run(["verify", model, "--inputs", inputs] + recorded.flatMap { ["--expected", $0] })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3 outputs"))
    }

    /// A shared layer's later call is a layer like any other for the explainers; weight ablation of the layer zeroes
    /// its kernel in both calls.
    @Test func explainReadsASharedLayersCalls() throws {
        var result = try CLIRunner.run(["inspect", chain])
        #expect(result.stdout.contains("conv:1 (Conv1D)"))
        #expect(result.stdout.contains("shares conv"))
        result = try CLIRunner.run(["explain", chain, "--input", chainInputs, "--method", "gradcam", "--layer", "conv:1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""layer":"conv:1""#))
        result = try CLIRunner.run(["explain", chain, "--input", chainInputs, "--method", "ablationcam", "--ablation", "weights",
                                    "--layer", "conv", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
