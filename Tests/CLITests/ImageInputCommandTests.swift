import Foundation
import Testing
import TestSupport

/// Image files and folders as `--input`, and the layer picked for CAM methods without `--layer`.
@Suite struct ImageInputCommandTests {
    static let hmt = CLIRunner.fixtures.appendingPathComponent("HMT.h5").path
    static let mnist = CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path
    static let jpeg = CLIRunner.fixtures.appendingPathComponent("images/rgb_41x27.jpg").path
    static let png = CLIRunner.fixtures.appendingPathComponent("images/rgb_37x23.png").path

    /// Eight class subfolders (HMT has eight classes), each holding copies of the two fixture images.
    static func classFolders() throws -> URL {
        let root = try ScratchFolder.make()
        for name in ["adipose", "background", "complex", "debris", "empty", "lympho", "mucosa", "stroma"] {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: jpeg, toPath: folder.appendingPathComponent("1.jpg").path)
            try FileManager.default.copyItem(atPath: png, toPath: folder.appendingPathComponent("2.png").path)
        }
        return root
    }

    @Test func predictOnAnImageMatchesTheArrayOfItsPixels() throws {
        let folder = try ScratchFolder.make()
        let fromImage = folder.appendingPathComponent("image.npy").path
        let result = try CLIRunner.run(["predict", Self.hmt, "--input", Self.jpeg, "--resize", "bicubic", "--preprocess", "unit",
                                        "--output", fromImage])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wrote \(fromImage) [1, 8]"))
    }

    @Test func aFolderOfClassSubfoldersGivesAccuracy() throws {
        let root = try Self.classFolders()
        let predict = try CLIRunner.run(["predict", Self.hmt, "--input", root.path, "--preprocess", "unit"])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout.contains("of 16)"))
        let evaluate = try CLIRunner.run(["evaluate", Self.hmt, "--input", root.path, "--preprocess", "unit", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as? [String: Any])
        #expect((object["confusion_matrix"] as? [[Int]])?.flatMap { $0 }.reduce(0, +) == 16)
        #expect((object["report"] as? [String: Any])?["stroma"] != nil)
        #expect((object["explanations"] as? [String: Any])?.isEmpty == true)
    }

    @Test func aClassCountTheModelDoesNotHaveIsRefused() throws {
        let root = try ScratchFolder.make()
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.png, toPath: root.appendingPathComponent("\(name)/x.png").path)
        }
        let result = try CLIRunner.run(["predict", Self.hmt, "--input", root.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("has 2 class subfolders (a, b); the model has 8 classes"))
        let layerOutput = root.appendingPathComponent("pooled.npy").path
        let layer = try CLIRunner.run(["predict", Self.hmt, "--input", root.path, "--layer", "max_pooling2d_1", "--output", layerOutput])
        #expect(layer.status == 0, "a layer's output is not checked against the class folders: \(layer.stderr)")
        #expect(layer.stdout.contains("wrote \(layerOutput) [2, 56, 56, 64]"))
    }

    @Test func explainPicksTheLayerAndSaysWhich() throws {
        let result = try CLIRunner.run(["explain", Self.hmt, "--input", Self.jpeg, "--method", "gradcam", "--preprocess", "unit", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("layer: max_pooling2d_1"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["layer"] as? String == "max_pooling2d_1")
        let mnist = try CLIRunner.run(["explain", Self.mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--method", "gradcam"])
        #expect(mnist.status == 0, "\(mnist.stderr)")
        #expect(mnist.stderr.contains("layer: conv1d_2"))
        #expect(mnist.stdout.contains("gradcam at conv1d_2: 1000 samples"))
    }

    @Test func evaluateWithLabelsAndNoMethodsScoresTheClassifierAlone() throws {
        let result = try CLIRunner.run(["evaluate", Self.mnist, "--input", "Fixtures/mnist1d_test_x.npy", "--labels", "Fixtures/mnist1d_test_y.npy", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["accuracy"] as? Double == 0.905)
        #expect((object["explanations"] as? [String: Any])?.isEmpty == true)
    }

    /// The overlay is drawn over the picture at its own size (the center crop with --keep-aspect-ratio); the bare
    /// heatmap stays at the model's size.
    @Test func figuresOverlayThePictureAtItsOwnSize() throws {
        func size(_ url: URL) throws -> [Int] {
            let bytes = [UInt8](try Data(contentsOf: url))
            return [16, 20].map { Int(bytes[$0]) << 24 | Int(bytes[$0 + 1]) << 16 | Int(bytes[$0 + 2]) << 8 | Int(bytes[$0 + 3]) }
        }
        for (flags, expected) in [([String](), [41, 27]), (["--keep-aspect-ratio"], [27, 27])] {
            let folder = try ScratchFolder.make()
            let result = try CLIRunner.run(["explain", Self.hmt, "--input", Self.jpeg, "--method", "gradcam", "--layer", "max_pooling2d_1",
                                            "--preprocess", "unit", "--png", folder.path] + flags)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try size(folder.appendingPathComponent("sample0_gradcam.png")) == expected)
            #expect(try size(folder.appendingPathComponent("sample0_gradcam_heatmap.png")) == [224, 224])
        }
    }
}
