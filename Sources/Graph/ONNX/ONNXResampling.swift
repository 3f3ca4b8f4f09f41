import KerasLensGraph

/// TensorFlow's `tf.image.resize` (no antialiasing) as ONNX's Resize on a channels-first copy, the output size given
/// exactly (`sizes`, the batch read from the value's shape) so no scale rounding can change it. Half-pixel centres:
/// bilinear is `half_pixel` with `linear` mode; nearest is `tf_half_pixel_for_nn` with `floor` rounding.
extension ONNXBuilder {
    mutating func resize(to size: [Int], interpolation: Interpolation, input: String, layer: String, into output: String) {
        let planar = channelsFirst(input, spatialRank: 2, layer: layer)
        let leading = step("Shape", [planar], layer: layer, [.int("start", 0), .int("end", 2)])
        let sizes = step("Concat", [leading, int64s(size, layer: layer, "size")], layer: layer, [.int("axis", 0)])
        let attributes: [Onnx_AttributeProto]
        switch interpolation {
        case .bilinear:
            attributes = [.string("mode", "linear"), .string("coordinate_transformation_mode", "half_pixel")]
        case .nearest:
            attributes = [.string("mode", "nearest"), .string("coordinate_transformation_mode", "tf_half_pixel_for_nn"),
                          .string("nearest_mode", "floor")]
        }
        let resized = step("Resize", [planar, "", "", sizes], layer: layer, attributes)
        channelsLast(resized, spatialRank: 2, into: output)
    }
}
