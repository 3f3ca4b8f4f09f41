import KerasLensGraph

/// Ops that move values without arithmetic. All work on the channels-last value as it is, which is what keeps
/// Flatten in Keras's order: ONNX's Flatten of an NHWC tensor is Keras's Flatten.
extension ONNXBuilder {
    mutating func flatten(input: String, into output: String) {
        add("Flatten", [input], into: output, [.int("axis", 1)])
    }

    /// `0` in an ONNX Reshape shape copies the input's dimension: here the batch.
    mutating func reshape(to shape: [Int], input: String, layer: String, into output: String) {
        add("Reshape", [input, int64s([0] + shape, layer: layer, "shape")], into: output)
    }

    mutating func permute(order: [Int], input: String, into output: String) {
        add("Transpose", [input], into: output, [.ints("perm", order)])
    }

    mutating func concatenate(axis: Int, inputs: [String], into output: String) {
        add("Concat", inputs, into: output, [.int("axis", axis)])
    }

    mutating func zeroPadding(pads: [[Int]], input: String, layer: String, into output: String) {
        let begins = [0] + pads.map { $0[0] } + [0]
        let ends = [0] + pads.map { $0[1] } + [0]
        add("Pad", [input, int64s(begins + ends, layer: layer, "pads")], into: output)
    }

    mutating func cropping(crops: [[Int]], input: String, shape: [Int], layer: String, into output: String) {
        let axes = Array(1...crops.count)
        add("Slice", [input, int64s(crops.map { $0[0] }, layer: layer, "starts"),
                      int64s(zip(shape, crops).map { $0 - $1[1] }, layer: layer, "ends"), int64s(axes, layer: layer, "axes")],
            into: output)
    }

    /// Slice, then a Reshape to the read-out shape (axes of size 1 dropped or added).
    mutating func slice(begin: [Int], end: [Int], strides: [Int], shape: [Int], input: String, layer: String, into output: String) {
        let sliced = step("Slice", [input, int64s(begin, layer: layer, "starts"), int64s(end, layer: layer, "ends"),
                                    int64s(Array(1...begin.count), layer: layer, "axes"), int64s(strides, layer: layer, "steps")],
                          layer: layer)
        reshape(to: shape, input: sliced, layer: layer, into: output)
    }

    /// Nearest-neighbour upsampling, exactly: each spatial axis gains a unit axis after it, Expand repeats along
    /// the unit axes, and a Reshape merges each pair (`(N, H, 1, W, 1, C)` → `(N, H, s₀, W, s₁, C)` → `(N, H·s₀, W·s₁, C)`).
    mutating func upsampling(size: [Int], input: String, shape: [Int], layer: String, into output: String) {
        let spatial = Array(shape.dropLast())
        let channels = shape.last!
        let split = zip(spatial, size).flatMap { [$0.0, 1] } + [channels]
        let repeats = [1] + size.flatMap { [1, $0] } + [1]
        let merged = zip(spatial, size).map { $0 * $1 } + [channels]
        let unit = step("Reshape", [input, int64s([0] + split, layer: layer, "split_shape")], layer: layer)
        let expanded = step("Expand", [unit, int64s(repeats, layer: layer, "repeats")], layer: layer)
        add("Reshape", [expanded, int64s([0] + merged, layer: layer, "shape")], into: output)
    }
}
