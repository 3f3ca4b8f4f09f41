import KerasLensGraph

/// A number in a layer's configuration that a stored weight's shape repeats (`units`, `filters`, `kernel_size`,
/// `depth_multiplier`). Shape inference trusts the weights, so a configuration saying `filters: 10**12` over a
/// 25-channel kernel would load silently; Keras refuses such a file, and so does the importer, naming the option,
/// its value and the weight's shape.
struct DeclaredShape: Sendable {
    var option: String
    var value: [Int]
    var weight: String
    /// Where `value` sits in the weight's shape: its leading axes (kernel sizes) or its last axis (channel counts).
    var atEnd: Bool

    /// `option` (a single number) is the size of the last axis of `weight`.
    static func last(_ option: String, _ value: Int, of weight: String) -> DeclaredShape {
        DeclaredShape(option: option, value: [value], weight: weight, atEnd: true)
    }

    /// `option` (one number per spatial axis) is the leading axes of `weight`.
    static func leading(_ option: String, _ value: [Int], of weight: String) -> DeclaredShape {
        DeclaredShape(option: option, value: value, weight: weight, atEnd: false)
    }

    /// Refuses `weights` when the named weight is present and its shape does not repeat the value. A missing weight
    /// is left to the weight matcher and shape inference, which name it.
    func check(_ weights: [String: Tensor]) throws(GraphError) {
        guard let tensor = weights[weight] else { return }
        let shape = tensor.shape
        let stored = atEnd ? Array(shape.suffix(value.count)) : Array(shape.prefix(value.count))
        guard stored != value else { return }
        let declared = atEnd ? "\(value[0])" : "\(value)"
        throw GraphError(.weights, "the configuration's \(option) \(declared) does not match \(weight) of shape \(shape)")
    }
}
