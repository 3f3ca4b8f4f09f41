import Foundation
import KerasLens
import Testing
import TestSupport

/// `keraslens verify` against arrays, folders of pairs and embedded self-tests.
@Suite struct VerifyCommandTests {
    let model = CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path
    let inputs = CLIRunner.fixtures.appendingPathComponent("mnist1d_test_x.npy").path
    let expected = CLIRunner.fixtures.appendingPathComponent("expected/mnist1d_fixture.output.npy").path

    @Test func recordedOutputsPass() throws {
        let result = try CLIRunner.run(["verify", model, "--inputs", inputs, "--expected", expected])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("dense"))
        #expect(result.stdout.contains("10000"))
        #expect(result.stdout.contains("OK"))
    }

    /// One expected value moved: exit 1, one failing element, its index.
    @Test func aMismatchFailsAndPointsAtIt() throws {
        let folder = try ScratchFolder.make()
        let wrong = folder.appendingPathComponent("wrong.npy")
        var values = try npyFloats(expected)
        values[3 * 10 + 7] += 0.01
        try CLIRunner.writeNPY(wrong, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 10), }", payload: CLIRunner.floats(values))
        let result = try CLIRunner.run(["verify", model, "--inputs", inputs, "--expected", wrong.path, "--json"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["passed"] as? Bool == false)
        let row = try #require((report["results"] as? [[String: Any]])?.first)
        #expect(row["failing"] as? Int == 1)
        #expect(row["worst_index"] as? [Int] == [3, 7])
        #expect((row["max_abs_error"] as? Double).map { abs($0 - 0.01) < 1e-4 } == true)
        // Loose enough tolerances accept it.
        #expect(try CLIRunner.run(["verify", model, "--inputs", inputs, "--expected", wrong.path, "--atol", "0.02"]).status == 0)
    }

    @Test func aLayerIsComparedByName() throws {
        let folder = try ScratchFolder.make()
        let first16 = folder.appendingPathComponent("x16.npy")
        let values = try npyFloats(inputs)
        try CLIRunner.writeNPY(first16, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (16, 40, 1), }",
                               payload: CLIRunner.floats(Array(values.prefix(16 * 40))))
        let layer = CLIRunner.fixtures.appendingPathComponent("expected/mnist1d_fixture.layers/conv1d_2.npy").path
        var result = try CLIRunner.run(["verify", model, "--inputs", first16.path, "--expected", layer, "--layer", "conv1d_2"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("conv1d_2"))
        result = try CLIRunner.run(["verify", model, "--inputs", first16.path, "--expected", layer, "--layer", "conv1d_1"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("MISMATCH"))
    }

    /// A folder of pairs named CASE.input0.npy, CASE.input1.npy, CASE.expected0.npy, CASE.expected1.npy.
    @Test func fixturesFolderOfPairs() throws {
        let folder = try ScratchFolder.make()
        let zoo = CLIRunner.fixtures.appendingPathComponent("zoo")
        for (source, target) in [("merge.input0.npy", "batch.input0.npy"), ("merge.input1.npy", "batch.input1.npy"),
                                 ("merge.k2.output0.npy", "batch.expected0.npy"), ("merge.k2.output1.npy", "batch.expected1.npy")] {
            try FileManager.default.copyItem(at: zoo.appendingPathComponent(source), to: folder.appendingPathComponent(target))
        }
        let merge = zoo.appendingPathComponent("merge.k2.h5").path
        var result = try CLIRunner.run(["verify", merge, "--fixtures", folder.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("head_a"))
        #expect(result.stdout.contains("head_b"))
        #expect(result.stdout.contains("2 outputs"))
        try FileManager.default.copyItem(at: zoo.appendingPathComponent("merge.input0.npy"), to: folder.appendingPathComponent("lonely.input.npy"))
        result = try CLIRunner.run(["verify", merge, "--fixtures", folder.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("'lonely'"))
        #expect(result.stderr.contains("expected"))
    }

    @Test func aKerasFileHasNoSelfTest() throws {
        let result = try CLIRunner.run(["verify", model])
        #expect(result.status != 0)
        #expect(result.stderr.contains("not a native file"))
    }

    /// A native file whose self-test output was altered: replaying it fails.
    @Test func aTamperedSelfTestFails() throws {
        let native = try ScratchFolder.make().appendingPathComponent("m.safetensors")
        #expect(try CLIRunner.run(["convert", model, "-o", native.path]).status == 0)
        var bytes = [UInt8](try Data(contentsOf: native))
        let length = Int(bytes[0..<8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        let entry = try #require(header["__selftest__/output/dense"] as? [String: Any])
        let begin = 8 + length + (try #require(entry["data_offsets"] as? [Int]))[0]
        // The first output value, a softmax probability, becomes 1000.
        withUnsafeBytes(of: Float(1000).bitPattern.littleEndian) { bytes.replaceSubrange(begin..<(begin + 4), with: $0) }
        try Data(bytes).write(to: native)
        let result = try CLIRunner.run(["verify", native.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("MISMATCH"))
    }

    /// The float32 payload of a C-order .npy file written by NumPy (version 1 header).
    func npyFloats(_ path: String) throws -> [Float] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        return bytes[(10 + headerLength)...].withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
