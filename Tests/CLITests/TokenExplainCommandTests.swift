import Foundation
import Testing
import TestSupport

/// `keraslens explain` on the text classifier, whose int32 .npy input an Embedding reads as token ids.
@Suite struct TokenExplainCommandTests {
    let model = CLIRunner.fixtures.appendingPathComponent("text/text_classifier.k2.h5").path
    let input = CLIRunner.fixtures.appendingPathComponent("text/text_classifier.attribution_inputs.npy").path

    func maps(_ arguments: [String]) throws -> (status: Int32, stderr: String, maps: Data) {
        let output = try ScratchFolder.make().appendingPathComponent("maps.npy").path
        let result = try CLIRunner.run(["explain", model, "--input", input, "--method", "occlusion", "--window", "1",
                                        "--output", output] + arguments)
        return (result.status, result.stderr, (try? Data(contentsOf: URL(fileURLWithPath: output))) ?? Data())
    }

    /// The baseline token changes what occlusion puts in place of a token, so the maps; one map value per token.
    @Test func baselineTokenIsUsed() throws {
        let zero = try maps([]), five = try maps(["--baseline-token", "5"]), explicitZero = try maps(["--baseline-token", "0"])
        #expect(zero.status == 0, "\(zero.stderr)")
        #expect(five.status == 0, "\(five.stderr)")
        #expect(String(decoding: zero.maps.prefix(80), as: UTF8.self).contains("(6, 20)"))
        #expect(zero.maps == explicitZero.maps)
        #expect(zero.maps != five.maps)
    }

    @Test func baselineTokenOutsideTheVocabularyIsRefused() throws {
        let result = try maps(["--baseline-token", "40"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("the baseline token 40 is outside the vocabulary 0..<40 of layer 'embedding'"))
    }

    /// Gradient methods and figures run end to end on token ids.
    @Test func integratedGradientsWriteFigures() throws {
        let folder = try ScratchFolder.make().appendingPathComponent("png")
        let result = try CLIRunner.run(["explain", model, "--input", input, "--method", "integrated-gradients", "--steps", "16",
                                        "--png", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }
        #expect(files.count == 6)
    }
}
