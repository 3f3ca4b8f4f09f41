import Foundation
import KerasLens
import Testing
import TestSupport

/// The keras.io Grad-CAM tutorial end to end on Xception: `Fixtures/generate_tutorial.py` runs its code (load_img,
/// preprocess_input, make_gradcam_heatmap, save_and_display_gradcam) on committed pictures and records each step in the
/// ignored `.build-zoo-cache/tutorial/` (scripts/test.sh runs it first; with no cache there are no cases). The
/// tutorial's map is left at the layer's 5 × 5, so `--upsample none`.
@Suite struct TutorialPipelineCommandTests {
    struct Manifest: Decodable {
        var model: String
        var layer: String
        var cases: [Case]
    }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var picture: String
        var `case`: String
        var `class`: Int
        var class_given: Bool
        var testDescription: String { self.case }
    }

    static let folder = CLIRunner.root.appendingPathComponent(".build-zoo-cache/tutorial")

    static let manifest: Manifest? = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")) else { return nil }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            fatalError("cannot read \(folder.path)/manifest.json: \(error)")
        }
    }()

    static func recorded(_ record: Case, _ part: String) throws -> Tensor {
        try NumPyFile.read(path: folder.appendingPathComponent("\(record.case).\(part).npy").path)
    }

    static func picture(_ record: Case) throws -> PixelImage {
        try ImageLoader(sampleShape: [160, 160, 3]).shownPixels(path: CLIRunner.fixtures.appendingPathComponent(record.picture).path)
    }

    /// The overlay's arithmetic alone: the tutorial's own map drawn over the picture gives its saved image exactly.
    @Test(arguments: manifest?.cases ?? [])
    func overlayOfTheTutorialsMapIsTheTutorialsImage(_ record: Case) throws {
        let heatmap = try Self.recorded(record, "heatmap")
        let explanation = Explanation(maps: Tensor(shape: [1] + heatmap.shape, scalars: heatmap.scalars), classes: [record.class],
                                      scores: [0], surrogates: nil)
        let figure = try explanation.figure(0, over: try Self.picture(record))
        #expect(figure.samples.map(Float.init) == (try Self.recorded(record, "overlay")).scalars)
    }

    /// Image file in, overlay out, through the command line: the layer is picked as the tutorial names it, the map
    /// matches Keras's within atol 5e-5 + rtol 1e-4 (measured 3.3e-5: the map is divided by its maximum, so it carries
    /// the 160 × 160 Xception's error relative to its largest score), and the PNG is the tutorial's image pixel for
    /// pixel whenever the map's 8-bit levels agree with Keras's (they do on every case here) — else it is the
    /// tutorial's steps applied to our map.
    @Test(arguments: manifest?.cases ?? [])
    func explainingAPictureGivesTheTutorialsOverlay(_ record: Case) throws {
        let manifest = try #require(Self.manifest)
        let out = try ScratchFolder.make()
        let maps = out.appendingPathComponent("maps.npy")
        let result = try CLIRunner.run(["explain", Self.folder.appendingPathComponent(manifest.model).path,
                                        "--input", CLIRunner.fixtures.appendingPathComponent(record.picture).path,
                                        "--preprocess", "tf", "--method", "gradcam", "--target", "logit", "--upsample", "none",
                                        "--output", maps.path, "--png", out.path]
                                       + (record.class_given ? ["--class", "\(record.class)"] : []))
        #expect(result.status == 0, "\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("layer: \(manifest.layer)"))
        let ours = try NumPyFile.read(path: maps.path), keras = try Self.recorded(record, "heatmap")
        #expect(ours.shape == [1] + keras.shape)
        let worst = zip(ours.scalars, keras.scalars).map { abs($0 - $1) - (5e-5 + 1e-4 * abs($1)) }.max() ?? 0
        #expect(worst <= 0, "the map is \(ours.scalars), Keras's \(keras.scalars)")

        let png = try ImageDecoder.read(path: out.appendingPathComponent("sample0_gradcam.png").path)
        let levels = { (map: Tensor) in map.scalars.map { Int(255 * $0) } }
        let expected = levels(ours) == levels(keras)
            ? try Self.recorded(record, "overlay").scalars
            : try Explanation(maps: ours, classes: [record.class], scores: [0], surrogates: nil)
                .figure(0, over: try Self.picture(record)).samples.map(Float.init)
        #expect(png.pixels.map(Float.init) == expected)
    }

    /// The DocC article's code (Sources/KerasLens/KerasLens.docc/LoadPredictExplain.md), step for step, on the
    /// tutorial's cases for the top class: the library alone gives the tutorial's image too.
    @Test(arguments: (manifest?.cases ?? []).filter { !$0.class_given })
    func theArticlesCodeGivesTheTutorialsImage(_ record: Case) throws {
        let manifest = try #require(Self.manifest)
        let path = CLIRunner.fixtures.appendingPathComponent(record.picture).path
        let model = try Model(try ModelFile.load(path: Self.folder.appendingPathComponent(manifest.model).path))
        let shape = model.inputShapes[0]
        let loader = try ImageLoader(sampleShape: shape, preprocessing: .tf)
        let input = Tensor(shape: [1] + shape, scalars: try loader.load(path: path))
        #expect(try model.predict(input).shape == [1, 1000])
        var options = ExplanationOptions()
        options.layer = manifest.layer
        options.target = .logit
        options.upsampling = .none
        let explanation = try ExplanationMethod.gradcam.explain(model, inputs: input, options: options)
        #expect(explanation.classes == [record.class])
        let figure = try explanation.figure(0, over: try loader.shownPixels(path: path))
        let keras = try Self.recorded(record, "heatmap")
        #expect(zip(explanation.maps.scalars, keras.scalars).allSatisfy { abs($0 - $1) <= 5e-5 + 1e-4 * abs($1) })
        if explanation.maps.scalars.map({ Int(255 * $0) }) == keras.scalars.map({ Int(255 * $0) }) {
            #expect(figure.samples.map(Float.init) == (try Self.recorded(record, "overlay")).scalars)
        }
    }
}
