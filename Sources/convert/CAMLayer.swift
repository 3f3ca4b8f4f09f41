import Foundation
import KerasLens

/// The layer CAM methods read: the one given with --layer, or else the one `CAMLayerChoice` picks, named on stderr
/// (stdout may be JSON) so that a person knows which layer the maps come from. Nil when no method reads a layer.
func camLayer(_ methods: [ExplanationMethod], model: Model, given: String?) throws -> String? {
    guard given == nil, methods.contains(where: \.needsLayer) else { return given }
    guard let picked = CAMLayerChoice.pick(in: model.graph) else {
        throw InputError("no layer of the model keeps the input's spatial axes, so CAM methods have no layer to read; pass --layer NAME")
    }
    FileHandle.standardError.write(Data("layer: \(picked) (the last layer with the input's spatial axes; --layer NAME picks another)\n".utf8))
    return picked
}
