import Foundation
import Testing
import TestSupport

/// The commands on a model whose input has an open length (`Input(shape=(None, 3))`), at the length given.
@Suite struct OpenDimensionCommandTests {
    let model = CLIRunner.fixtures.appendingPathComponent("zoo/open_length.keras").path
    let input = CLIRunner.fixtures.appendingPathComponent("zoo/open_length.second.input.npy").path
    let expected = CLIRunner.fixtures.appendingPathComponent("zoo/open_length.second.k3.output.npy").path

    @Test func inspectShowsTheOpenLengthAsNone() throws {
        let result = try CLIRunner.run(["inspect", model])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("sequence (InputLayer)") && $0.contains("(None, None, 3)") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("lstm (LSTM)") && $0.contains("(None, None, 5)") }, "\(result.stdout)")
    }

    @Test func verifyAndExplainRunAtTheInputsLength() throws {
        let verify = try CLIRunner.run(["verify", model, "--inputs", input, "--expected", expected])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let folder = try ScratchFolder.make()
        let maps = folder.appendingPathComponent("maps.npy").path
        let explain = try CLIRunner.run(["explain", model, "--input", input, "--method", "gradcam", "--output", maps])
        #expect(explain.status == 0, "\(explain.stderr)")
        // Three samples of length 14: the maps are (3, 14).
        let header = try String(decoding: Data(contentsOf: URL(fileURLWithPath: maps)).prefix(128), as: UTF8.self)
        #expect(header.contains("'shape': (3, 14)"))
    }

    @Test func benchTimesTheGivenInputAndNeedsOne() throws {
        let timed = try CLIRunner.run(["bench", model, "--input", input])
        #expect(timed.status == 0, "\(timed.stderr)")
        let refused = try CLIRunner.run(["bench", model])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("(N, None, 3)"), "\(refused.stderr)")
    }

    @Test func aWrongFeatureCountIsRefusedWithTheOpenShape() throws {
        let folder = try ScratchFolder.make()
        let bad = folder.appendingPathComponent("bad.npy")
        try CLIRunner.writeNPY(bad, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 5, 2), }",
                               payload: CLIRunner.floats(Array(repeating: 0.5, count: 10)))
        let result = try CLIRunner.run(["explain", model, "--input", bad.path, "--method", "saliency",
                                        "--output", folder.appendingPathComponent("m.npy").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("(N, None, 3)"), "\(result.stderr)")
    }
}
