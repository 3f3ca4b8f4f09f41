import Foundation
import Testing
import TestSupport

@Suite struct PredictCommandTests {
    let model = CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path
    let inputs = CLIRunner.fixtures.appendingPathComponent("mnist1d_test_x.npy").path

    @Test func reportsAccuracyWithLabels() throws {
        let labels = CLIRunner.fixtures.appendingPathComponent("mnist1d_test_y.npy").path
        let result = try CLIRunner.run(["predict", model, "--input", inputs, "--labels", labels])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("accuracy: "))
        #expect(result.stdout.contains("of 1000)"))
    }

    @Test func writesTheOutputAndALayer() throws {
        let folder = try ScratchFolder.make()
        let output = folder.appendingPathComponent("y.npy").path
        var result = try CLIRunner.run(["predict", model, "--input", inputs, "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: output))
        result = try CLIRunner.run(["predict", model, "--input", inputs, "--layer", "conv1d_2", "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("[1000, 40, 25]"))
    }

    @Test func acceptsOneSampleWithoutTheBatchAxis() throws {
        let folder = try ScratchFolder.make()
        let sample = folder.appendingPathComponent("one.npy")
        try CLIRunner.writeNPY(sample, header: "{'descr': '<f8', 'fortran_order': False, 'shape': (40, 1), }",
                               payload: (0..<40).flatMap { i in withUnsafeBytes(of: Double(i).bitPattern.littleEndian) { Array($0) } })
        let result = try CLIRunner.run(["predict", model, "--input", sample.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    @Test func wrongShapeNamesBothShapes() throws {
        let folder = try ScratchFolder.make()
        let bad = folder.appendingPathComponent("bad.npy")
        try CLIRunner.writeNPY(bad, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 39), }",
                               payload: CLIRunner.floats(Array(repeating: 0, count: 78)))
        let result = try CLIRunner.run(["predict", model, "--input", bad.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("[2, 39]"))
        #expect(result.stderr.contains("40, 1"))
    }

    @Test func unknownLayerListsTheLayers() throws {
        let folder = try ScratchFolder.make()
        let result = try CLIRunner.run(["predict", model, "--input", inputs, "--layer", "conv9", "--output",
                                        folder.appendingPathComponent("y.npy").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("conv9"))
        #expect(result.stderr.contains("conv1d_2"))
    }

    @Test(arguments: [
        ("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 40, 1), }", "Fortran"),
        ("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", "pickle"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 40, 1), }", "bytes"),
    ])
    func badNumPyFilesAreRefused(header: String, expected: String) throws {
        let folder = try ScratchFolder.make()
        let bad = folder.appendingPathComponent("bad.npy")
        try CLIRunner.writeNPY(bad, header: header, payload: CLIRunner.floats(Array(repeating: 0, count: 40)))
        let result = try CLIRunner.run(["predict", model, "--input", bad.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.contains("bad.npy"))
    }

    @Test func badMagicIsRefused() throws {
        let folder = try ScratchFolder.make()
        let bad = folder.appendingPathComponent("bad.npy")
        try Data("PK not numpy at all".utf8).write(to: bad)
        let result = try CLIRunner.run(["predict", model, "--input", bad.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("magic"))
    }
}
