import KerasLensGraph

/// A number in a layer's configuration that a stored weight's shape repeats (`units`, `filters`, `kernel_size`,
/// `depth_multiplier`). Shape inference trusts the weights, so a configuration saying `filters: 10**12` over a
/// 25-channel kernel would load silently; Keras refuses such a file, and so does the importer, naming the option,
/// its value and the weight's shape.
struct DeclaredShape: Sendable {
    var option: String
    var value: [Int]
    var weight: String
    /// The first axis of the weight's shape that `value` repeats: 0 for leading axes (kernel sizes), nil for the last
    /// axis (channel counts).
    var firstAxis: Int?

    /// `option` (a single number) is the size of the last axis of `weight`.
    static func last(_ option: String, _ value: Int, of weight: String) -> DeclaredShape {
        DeclaredShape(option: option, value: [value], weight: weight, firstAxis: nil)
    }

    /// `option` (one number per spatial axis) is the leading axes of `weight`.
    static func leading(_ option: String, _ value: [Int], of weight: String) -> DeclaredShape {
        DeclaredShape(option: option, value: value, weight: weight, firstAxis: 0)
    }

    /// `option` (a single number) is the size of axis `axis` of `weight` (a transposed convolution's filters, which
    /// come before its input channels).
    static func axis(_ axis: Int, _ option: String, _ value: Int, of weight: String) -> DeclaredShape {
        DeclaredShape(option: option, value: [value], weight: weight, firstAxis: axis)
    }

    /// Refuses `weights` when the named weight is present and its shape does not repeat the value. A missing weight
    /// is left to the weight matcher and shape inference, which name it.
    func check(_ weights: [String: Tensor]) throws(GraphError) {
        guard let tensor = weights[weight] else { return }
        let shape = tensor.shape
        let stored = firstAxis.map { Array(shape.dropFirst($0).prefix(value.count)) } ?? Array(shape.suffix(value.count))
        guard stored != value else { return }
        let declared = value.count == 1 && firstAxis != 0 ? "\(value[0])" : "\(value)"
        throw GraphError(.weights, "the configuration's \(option) \(declared) does not match \(weight) of shape \(shape)")
    }
}
