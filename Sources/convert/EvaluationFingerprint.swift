import Foundation
import KerasLens

extension Evaluate {
    /// What must agree between the shards of one evaluation: the model's bytes, the inputs and labels, and every
    /// option that changes a number or the report, --batch-size included (a sample's score may differ in the last
    /// bit with its batch). Not --report or --json (merge chooses them), nor file paths (shards may see the same
    /// files under different mounts).
    func fingerprint(inputs: InputRows, layer: String?, methods: [ExplanationMethod], explained: Int, frac: Double,
                     datasetName: String, classNames: [String], shown: [Int]) throws -> [EvaluationPart.Setting] {
        var names = ContentHash()
        classNames.forEach { names.add($0) }
        return [
            .init("model", try ContentHash.of(file: model, option: "model")),
            .init("--input", try inputs.fingerprint()),
            .init("--labels", try labels.map { try ContentHash.of(file: $0, option: "--labels") } ?? "none"),
            .init("class names", names.hex),
            .init("--dataset", datasetName),
            .init("--methods", methods.map(\.rawValue).joined(separator: ",")),
            .init("--layer", layer ?? "none"),
            .init("--output-name", outputChoice.outputName ?? "none"),
            .init("--frac", String(frac)),
            .init("--samples", String(explained)),
            .init("--show", shown.map(String.init).joined(separator: ",")),
            .init("--curve-step", curveStep.map(String.init) ?? "default"),
            .init("--no-curves", String(noCurves)),
            .init("--upsample", upsample.rawValue),
            .init("--seed", String(seed)),
            .init("--batch-size", String(batchSize)),
            .init("--resize", images.resize.rawValue),
            .init("--keep-aspect-ratio", String(images.keepAspectRatio)),
            .init("--preprocess", images.preprocess.rawValue),
        ]
    }
}
