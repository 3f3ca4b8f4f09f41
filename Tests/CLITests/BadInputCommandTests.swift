import Foundation
import Testing
import TestSupport

/// The command line on the bad-input corpus (Tests/BadInputs) and on bad options: every refusal is an exit (never
/// a signal or a trap), nonzero, with one `Error:` line on stderr that names what is wrong, and the file once.
@Suite struct BadInputCommandTests {
    static let corpus = CLIRunner.root.appendingPathComponent("Tests/BadInputs")
    static let mlp = CLIRunner.fixtures.appendingPathComponent("zoo/mlp.k2.h5").path
    static let mnist = CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path
    static let hmt = CLIRunner.fixtures.appendingPathComponent("HMT.h5").path

    static func files(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0 != "valid.safetensors" }.sorted().map { corpus.appendingPathComponent(folder).appendingPathComponent($0).path }
    }

    /// A clean refusal: exited, nonzero, and stderr is exactly one line starting `Error:` and holding `fragment` once.
    static func expectRefusal(_ arguments: [String], mentions fragment: String) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.reason == .exit, "\(arguments) did not exit: \(result.stderr)")
        #expect(result.status != 0, "\(arguments) succeeded")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: "), "\(arguments): stderr is \(result.stderr)")
        let count = result.stderr.components(separatedBy: fragment).count - 1
        #expect(count == 1, "\(arguments): stderr \(result.stderr) holds \(fragment) \(count) times")
    }

    @Test(arguments: files("h5") + files("keras") + files("safetensors"))
    func modelIsRefused(_ path: String) throws {
        try Self.expectRefusal(["inspect", path], mentions: path)
    }

    /// A model file that reaches outside itself (external storage, links, virtual datasets, plugin filters, broken
    /// soft links) is refused by every command that writes, and nothing is written: no converted model that would
    /// carry another file's bytes, no outputs.
    @Test(arguments: files("h5").filter { $0.contains("/outside_") || $0.contains("/soft_link_") }
                     + files("keras").filter { $0.hasSuffix("weights_external_storage.keras") })
    func modelReachingOutsideWritesNothing(_ path: String) throws {
        let folder = try ScratchFolder.make()
        for command in [["convert", path, "-o", folder.appendingPathComponent("out.safetensors").path],
                        ["convert", path, "-o", folder.appendingPathComponent("out.onnx").path],
                        ["predict", path, "--input", "Fixtures/zoo/mlp.input.npy",
                         "--output", folder.appendingPathComponent("out.npy").path]] {
            try Self.expectRefusal(command, mentions: path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
    }

    @Test(arguments: files("npy")) func inputArrayIsRefused(_ path: String) throws {
        try Self.expectRefusal(["predict", Self.mlp, "--input", path], mentions: path)
    }

    @Test(arguments: files("images")) func inputImageIsRefused(_ path: String) throws {
        try Self.expectRefusal(["predict", Self.hmt, "--input", path], mentions: path)
    }

    static let badOptions: [(arguments: [String], fragment: String)] = [
        (["bench", mnist, "--samples=-2"], "--samples must be positive"),
        (["bench", mnist, "--repeats=0"], "--repeats must be positive"),
        (["bench", mnist, "--backward"], "--backward says what --steps times"),
        (["bench", mnist, "--steps", "--backward", "--layer", "nosuch"], "layer 'nosuch'"),
        (["bench", mnist, "--input", "Fixtures/zoo/mlp.input.npy", "--repeats", "1"], "the model takes (N, 40, 1)"),
        (["predict", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--batch-size=0"], "--batch-size must be positive"),
        (["predict", mnist, "--input", "no/such.npy"], "no/such.npy"),
        (["predict", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--output", "/nonexistent/out.npy"], "/nonexistent/out.npy: cannot write"),
        (["explain", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--method", "gradcam", "--layer", "conv1d_2", "--class", "99"], "class indices below 10"),
        (["explain", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--method", "gradcam", "--layer", "conv1d_2", "--class=-1"], "'-1' is not a class index"),
        (["explain", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--method", "gradcam", "--layer", "nosuch"], "layer 'nosuch'"),
        (["explain", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--method", "integrated-gradients", "--steps=-5"], "at least one step"),
        (["explain", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--method", "smoothgrad", "--noise-level=nan"], "noise level"),
        (["explain", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--method", "rise", "--grid", "100000000"], "cells per mask"),
        (["explain", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--method", "lime", "--kernel-width=-1"], "kernel width"),
        (["explain", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--method", "occlusion", "--window", "1000"], "larger than the input"),
        (["evaluate", mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--methods", "saliency", "--show", "5000"], "--show: '5000'"),
        (["convert", mnist, "-o", "/nonexistent/out.safetensors"], "/nonexistent/out.safetensors: cannot write"),
        (["convert", mnist, "-o", "/nonexistent/out.onnx"], "/nonexistent/out.onnx: cannot write"),
    ]

    /// Option errors ArgumentParser reports itself (from `validate()`) add its usage text after the one error line.
    @Test(arguments: badOptions) func badOptionIsRefused(_ arguments: [String], fragment: String) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.reason == .exit, "\(arguments) did not exit: \(result.stderr)")
        #expect(result.status != 0, "\(arguments) succeeded")
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("Error: ") && first.contains(fragment), "\(arguments): stderr is \(result.stderr)")
    }

    /// Files that cannot be written or read during a run are one error line, without the usage text.
    @Test func unwritableReportIsOneLine() throws {
        try Self.expectRefusal(["evaluate", Self.mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--methods", "saliency",
                                "--samples", "2", "--no-curves", "--report", "/dev/null/report"],
                               mentions: "--report: cannot write /dev/null/report/index.html")
    }

    @Test func inputOfTheWrongShapeIsOneLine() throws {
        try Self.expectRefusal(["evaluate", Self.mnist, "--input", "Fixtures/zoo/mlp.input.npy", "--methods", "saliency"],
                               mentions: "has shape [3, 12]; the model takes (N, 40, 1)")
    }

    /// `predict --labels` with a class the model does not have is one error line, not a wrong table.
    @Test func labelOutsideTheClassesIsRefused() throws {
        let folder = try ScratchFolder.make()
        let labels = folder.appendingPathComponent("labels.npy")
        try CLIRunner.writeNPY(labels, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                               payload: CLIRunner.floats([0, 1, 99]))
        try Self.expectRefusal(["predict", Self.mlp, "--input", "Fixtures/zoo/mlp.input.npy", "--labels", labels.path],
                               mentions: "label 99 of sample 2 is not a class id in 0..<5")
    }
}
