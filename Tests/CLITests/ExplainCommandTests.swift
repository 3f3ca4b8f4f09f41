import Foundation
import Testing
import TestSupport

@Suite struct ExplainCommandTests {
    let model = CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path

    /// Two 1-D samples shaped (2, 40, 1).
    func samples() throws -> String {
        let file = try ScratchFolder.make().appendingPathComponent("x.npy")
        let values = (0..<80).map { Float(sin(Double($0) * 0.3)) }
        try CLIRunner.writeNPY(file, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 40, 1), }",
                               payload: CLIRunner.floats(values))
        return file.path
    }

    @Test func writesMapsShapedLikeTheInput() throws {
        let folder = try ScratchFolder.make()
        let output = folder.appendingPathComponent("maps.npy").path
        let result = try CLIRunner.run(["explain", model, "--input", samples(), "--method", "gradcam", "--layer", "conv1d_2",
                                        "--output", output, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""method":"gradcam""#))
        #expect(result.stdout.contains(#""layer":"conv1d_2""#))
        let header = try String(decoding: Data(contentsOf: URL(fileURLWithPath: output)).prefix(80), as: UTF8.self)
        #expect(header.contains("(2, 40)"))
    }

    @Test func limeReportsItsTopSegments() throws {
        let result = try CLIRunner.run(["explain", model, "--input", samples(), "--method", "lime", "--samples", "50", "--features", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("top segments"))
    }

    @Test func writesOneFigurePerSample() throws {
        let folder = try ScratchFolder.make().appendingPathComponent("png")
        let result = try CLIRunner.run(["explain", model, "--input", samples(), "--method", "gradcam++", "--layer", "conv1d_2",
                                        "--png", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }
        #expect(files.count == 2)
        let bytes = try Data(contentsOf: folder.appendingPathComponent(files.sorted()[0]))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    /// Without --layer the last spatial layer is read; a model with none (Dense layers only) asks for --layer.
    @Test func aCAMMethodWithoutASpatialLayerIsRefused() throws {
        let mlp = CLIRunner.fixtures.appendingPathComponent("zoo/mlp.k2.h5").path
        let input = CLIRunner.fixtures.appendingPathComponent("zoo/mlp.input.npy").path
        let result = try CLIRunner.run(["explain", mlp, "--input", input, "--method", "gradcam"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no layer of the model keeps the input's spatial axes"))
        #expect(result.stderr.contains("--layer"))
    }

    /// `--max-channels` of every channel (conv1d_2 has 25) writes the maps of plain Score-CAM; a cap below one, or
    /// on another method, is refused.
    @Test func scoreCAMChannelCap() throws {
        let folder = try ScratchFolder.make(), input = try samples()
        var maps: [Data] = []
        for cap in [[], ["--max-channels", "25"], ["--max-channels", "3"]] {
            let output = folder.appendingPathComponent("maps\(maps.count).npy")
            let result = try CLIRunner.run(["explain", model, "--input", input, "--method", "scorecam", "--layer", "conv1d_2",
                                            "--output", output.path] + cap)
            #expect(result.status == 0, "\(result.stderr)")
            maps.append(try Data(contentsOf: output))
        }
        #expect(maps[0] == maps[1])
        #expect(maps[0] != maps[2])
        for (arguments, message) in [(["--method", "scorecam", "--max-channels", "0"], "--max-channels must be positive"),
                                     (["--method", "gradcam", "--max-channels", "3"], "--max-channels is a scorecam option")] {
            let result = try CLIRunner.run(["explain", model, "--input", input, "--layer", "conv1d_2"] + arguments)
            #expect(result.status != 0)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }

    @Test func weightAblationOnAPoolingLayerIsRefused() throws {
        let hmt = CLIRunner.fixtures.appendingPathComponent("HMT.h5").path
        let inputs = CLIRunner.fixtures.appendingPathComponent("hmt_inputs.npy").path
        let result = try CLIRunner.run(["explain", hmt, "--input", inputs, "--method", "ablationcam", "--layer", "max_pooling2d_1",
                                        "--ablation", "weights"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("max_pooling2d_1"))
        #expect(result.stderr.contains("kernel"))
    }

    @Test func anUnknownMethodListsTheMethods() throws {
        let result = try CLIRunner.run(["explain", model, "--input", samples(), "--method", "magic"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("gradcam"))
    }
}
