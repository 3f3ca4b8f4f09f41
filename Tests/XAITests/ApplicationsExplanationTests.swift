import Foundation
import KerasLens
import Testing

/// Explanations on every keras.applications family that `Fixtures/generate_applications.py` writes into the ignored
/// `.build-zoo-cache/` (scripts/test.sh runs it first; with no cache there are no cases). The generator records, per
/// file and image, the keras.io tutorial's Grad-CAM heatmap at the last spatial layer (logit target, the layer's
/// resolution) and the explained class score's input gradient, both from GradientTape.
@Suite struct ApplicationsExplanationTests {
    struct Record: Decodable, Sendable, CustomTestStringConvertible {
        struct GradCAM: Decodable, Sendable {
            var layer: String
            var classes: [Int]
            var maps: String
            var input_gradients: String
            /// The largest change of TensorFlow's own saliency map when the input is perturbed by 1e-6 relative.
            var saliency_sensitivity: Float
        }
        var name: String
        var file: String
        var inputs: [String]
        /// Recorded on one file per family.
        var gradcam: GradCAM?
        var testDescription: String { name }
        /// The family, without the Keras it was saved by (`ResNet50.k2` → `ResNet50`).
        var family: String { String(name.split(separator: ".")[0]) }
    }

    static let cache = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build-zoo-cache")

    /// The file of each family that the generator explained.
    static let families: [Record] = {
        struct Manifest: Decodable { var models: [Record] }
        guard let data = try? Data(contentsOf: cache.appendingPathComponent("manifest.json")) else { return [] }
        do {
            var seen = Set<String>()
            return try JSONDecoder().decode(Manifest.self, from: data).models
                .filter { $0.gradcam != nil && seen.insert($0.family).inserted }
        } catch {
            fatalError("cannot read the applications manifest: \(error)")
        }
    }()

    static func path(_ relative: String) -> String {
        cache.deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }

    func load(_ record: Record) throws -> (Model, Tensor) {
        (try Model(try ModelFile.load(path: Self.path(record.file))), try NumPyFile.read(path: Self.path(record.inputs[0])))
    }

    func options(_ record: Record, layer: String?) -> ExplanationOptions {
        var options = ExplanationOptions()
        options.layer = layer
        options.target = .logit
        options.classes = record.gradcam!.classes
        options.upsampling = .none
        return options
    }

    /// The tutorial's heatmap within 1e-4, at the layer it names, and at the layer KerasLens picks by itself, which
    /// is the same layer.
    @Test(arguments: families)
    func gradCAMGivesTheTutorialsHeatmap(_ record: Record) throws {
        let (model, inputs) = try load(record)
        let expected = try NumPyFile.read(path: Self.path(record.gradcam!.maps))
        // Keras 3's ConvNeXt ends each block with `inputs + layer(x)`, an operation node that is not one of
        // `model.layers`: the tutorial can only name the residual branch (`…_identity`), while KerasLens picks the
        // block's sum, which the pooling head reads. Everywhere else the picked layer is the tutorial's.
        let picked = CAMLayerChoice.pick(in: model.graph)
        #expect(picked == record.gradcam!.layer || record.family == "ConvNeXtTiny", "picked \(picked ?? "none")")
        for layer in picked == record.gradcam!.layer ? [record.gradcam!.layer, nil] : [record.gradcam!.layer] {
            let explanation = try ExplanationMethod.gradcam.explain(model, inputs: inputs, options: options(record, layer: layer))
            #expect(explanation.classes == record.gradcam!.classes)
            #expect(explanation.maps.shape == expected.shape, "layer \(layer ?? "picked")")
            let worst = zip(explanation.maps.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-4, "layer \(layer ?? "picked"): max error \(worst)")
        }
    }

    /// Saliency is `max_ch |∂score/∂x|` scaled to a maximum of 1: from TensorFlow's gradient within 1e-4 plus four
    /// times the family's measured sensitivity to rounding. A deep ReLU network may hold a pre-activation within
    /// float32 accumulation error of zero; two engines then take different sides of the kink and the input gradients
    /// differ from there down. Which families do depends on the CPU: on a Zen 3 five did (on VGG19's second image
    /// KerasLens's gradient matches TensorFlow's to 7e-7 relative down to `block4_conv4`, where `block4_conv1` holds
    /// a pre-activation at 2.7e-6 of its layer's maximum), on a Zen 4 six others (ResNet101V2: TensorFlow's own map
    /// moves by 1.2e-2 when the input moves by 1e-6 relative; KerasLens's differs from it by 1.2e-2). A wrong
    /// gradient misses by tenths.
    @Test(arguments: families)
    func saliencyMatchesGradientTape(_ record: Record) throws {
        let (model, inputs) = try load(record)
        let gradients = try NumPyFile.read(path: Self.path(record.gradcam!.input_gradients))
        let explanation = try ExplanationMethod.saliency.explain(model, inputs: inputs, options: options(record, layer: nil))
        let channels = gradients.shape.last!, positions = gradients.count / channels / inputs.shape[0]
        var expected = [Float]()
        for sample in 0..<inputs.shape[0] {
            let rows = (0..<positions).map { p in
                (0..<channels).map { abs(gradients.scalars[(sample * positions + p) * channels + $0]) }.max()!
            }
            let top = rows.max()!
            expected += rows.map { $0 / top }
        }
        let errors = zip(explanation.maps.scalars, expected).map { abs($0 - $1) }
        let worst = errors.max() ?? .infinity
        let close = Double(errors.filter { $0 <= 1e-4 }.count) / Double(max(errors.count, 1))
        #expect(explanation.maps.count == expected.count)
        let sensitivity = record.gradcam!.saliency_sensitivity
        #expect(worst <= 1e-4 + 4 * sensitivity,
                "max error \(worst), \(close * 100)% within 1e-4; TensorFlow's own sensitivity \(sensitivity)")
    }

    /// Ablation-CAM (at the picked layer) and integrated gradients run on every family: finite maps in [0, 1]
    /// (Ablation-CAM's may be all zero when no channel's removal lowers the score), integrated gradients' not flat.
    @Test(arguments: families)
    func ablationCAMAndIntegratedGradientsRun(_ record: Record) throws {
        let (model, inputs) = try load(record)
        let one = inputs.samples(0..<1)
        var options = options(record, layer: nil)
        options.classes = [record.gradcam!.classes[0]]
        options.steps = 16
        for method in [ExplanationMethod.ablationcam, .integratedGradients] {
            let explanation = try method.explain(model, inputs: one, options: options)
            let maps = explanation.maps.scalars
            #expect(explanation.maps.shape.first == 1 && maps.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 }, "\(method)")
            if method == .integratedGradients { #expect(maps.max() == 1 && maps.min()! < 1, "flat: \(maps.min()!)") }
        }
    }
}
