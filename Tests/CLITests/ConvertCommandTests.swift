import Foundation
import KerasLens
import Testing
import TestSupport

/// `keraslens convert`: native files that every command opens and that reproduce the original's numbers.
@Suite struct ConvertCommandTests {
    struct Model: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        var inputs: [String]
        var output: String?
        var outputs: [String]?
        var testDescription: String { name }
    }

    static func path(_ file: String) -> String {
        if file.hasPrefix("shared:") {
            return CLIRunner.root.deletingLastPathComponent().appendingPathComponent("shared/models/\(file.dropFirst(7))").path
        }
        return CLIRunner.fixtures.appendingPathComponent(file).path
    }

    static let models: [Model] = {
        struct Manifest: Decodable { var models: [Model] }
        let url = CLIRunner.fixtures.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url), let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
            fatalError("cannot read \(url.path)")
        }
        return manifest.models.filter { FileManager.default.fileExists(atPath: path($0.file)) }
    }()

    /// Every fixture: the self-test (computed from the Keras file) replays bit for bit from the native file, and
    /// the native file matches Keras's recorded outputs.
    @Test(arguments: ConvertCommandTests.models)
    func nativeFileGivesTheSameOutputs(_ model: Model) throws {
        let native = try ScratchFolder.make().appendingPathComponent("\(model.name).safetensors").path
        var result = try CLIRunner.run(["convert", Self.path(model.file), "-o", native])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CLIRunner.run(["verify", native, "--atol", "0", "--rtol", "0"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("self-test"))
        let expected = model.outputs ?? model.output.map { [$0] } ?? []
        result = try CLIRunner.run(["verify", native] + model.inputs.flatMap { ["--inputs", Self.path($0)] }
                                   + expected.flatMap { ["--expected", Self.path($0)] })
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func everyCommandTakesANativeFile() throws {
        let folder = try ScratchFolder.make()
        let native = folder.appendingPathComponent("mnist.safetensors").path
        let h5 = CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path
        var result = try CLIRunner.run(["convert", h5, "-o", native])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("13960 parameters"))
        let original = try CLIRunner.run(["inspect", h5, "--json"])
        result = try CLIRunner.run(["inspect", native, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.replacingOccurrences(of: "\"safetensors\"", with: "\"h5\"") == original.stdout)
        let x = CLIRunner.fixtures.appendingPathComponent("mnist1d_test_x.npy").path
        let fromNative = folder.appendingPathComponent("native.npy").path
        let fromH5 = folder.appendingPathComponent("h5.npy").path
        #expect(try CLIRunner.run(["predict", native, "--input", x, "--output", fromNative]).status == 0)
        #expect(try CLIRunner.run(["predict", h5, "--input", x, "--output", fromH5]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fromNative)) == Data(contentsOf: URL(fileURLWithPath: fromH5)))
        result = try CLIRunner.run(["bench", native, "--repeats", "2", "--steps"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("conv1d_2") && result.stdout.contains("sum of the step medians"), "\(result.stdout)")
        result = try CLIRunner.run(["bench", native, "--repeats", "2", "--steps", "--backward", "--layer", "conv1d_1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("backward ms") && result.stdout.contains("sums of the step medians"), "\(result.stdout)")
        // A native file converts again, to ONNX or to native.
        #expect(try CLIRunner.run(["convert", native, "-o", folder.appendingPathComponent("again.onnx").path]).status == 0)
        #expect(try CLIRunner.run(["convert", native, "-o", folder.appendingPathComponent("again.safetensors").path]).status == 0)
    }

    @Test func writesONNX() throws {
        let output = try ScratchFolder.make().appendingPathComponent("hmt.onnx").path
        let result = try CLIRunner.run(["convert", CLIRunner.fixtures.appendingPathComponent("HMT.h5").path, "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("opset 17"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
        // Field 1 (ir_version, varint) = 8 opens every ModelProto this exporter writes.
        #expect(Array(bytes.prefix(2)) == [0x08, 0x08])
        #expect(bytes.count > 200_000)
    }

    @Test func unknownOutputExtensionIsRefused() throws {
        let result = try CLIRunner.run(["convert", CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path, "-o", "model.pb"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("model.pb"))
        #expect(result.stderr.contains(".safetensors"))
    }

    @Test func refusedModelsNameTheLayer() throws {
        let output = try ScratchFolder.make().appendingPathComponent("lstm.onnx").path
        let result = try CLIRunner.run(["convert", CLIRunner.fixtures.appendingPathComponent("refuse/lstm.h5").path, "-o", output])
        #expect(result.status != 0)
        #expect(result.stderr.contains("LSTM"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func brokenNativeFileIsRefusedByEveryCommand() throws {
        let folder = try ScratchFolder.make()
        let native = folder.appendingPathComponent("cut.safetensors")
        #expect(try CLIRunner.run(["convert", CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path, "-o", native.path]).status == 0)
        let bytes = try Data(contentsOf: native)
        try bytes.prefix(bytes.count - 100).write(to: native)
        for command in [["inspect", native.path], ["verify", native.path], ["convert", native.path, "-o", folder.appendingPathComponent("x.onnx").path]] {
            let result = try CLIRunner.run(command)
            #expect(result.status != 0)
            #expect(result.stderr.contains("cut.safetensors"))
            #expect(result.stderr.contains("truncated"), "\(result.stderr)")
        }
    }
}
