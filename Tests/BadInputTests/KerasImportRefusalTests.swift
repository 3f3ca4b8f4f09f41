import KerasLensGraph
import KerasLens
import Testing

/// `.h5` and `.keras` files whose container opens but whose model does not: the importer's error kind, the layer
/// and the reason, with the file named once.
@Suite struct KerasImportRefusalTests {
    static let cases: [Refusal<GraphError.Kind>] = [
        Refusal("h5/config_not_json.h5", .invalidConfig, "not valid JSON"),
        Refusal("h5/config_deep_nesting.h5", .invalidConfig, "more than 256 levels deep"),
        Refusal("h5/config_unsupported_layer.h5", .unsupported, "layer 'dense_relu' (MyCustomDense): this layer class is not supported"),
        Refusal("h5/config_cycle.h5", .invalidConfig, "the layer graph has a cycle through dense_relu, dense_no_bias"),
        Refusal("h5/config_missing_inbound.h5", .invalidConfig, "layer 'dense_relu' (Dense): its input 'no_such_layer' is not a layer"),
        Refusal("h5/config_shape_mismatch.h5", .weights, "layer 'dense_relu' (Dense): kernel has shape [12, 16], which does not fit input [13]"),
        Refusal("h5/config_huge_input.h5", .shape, "layer 'input' (InputLayer): the declared input shape [1000000, 1000000] has more than 268435456 elements"),
        Refusal("h5/config_overflowing_input.h5", .shape, "[4503599627370496, 4503599627370496, 4503599627370496] has more than"),
        Refusal("h5/config_window_overflow.h5", .invalidConfig, "layer 'conv_same' (Conv1D): window size [4503599627370496] is outside 1…268435456"),
        Refusal("h5/config_units_mismatch.h5", .weights, "layer 'dense_relu' (Dense): the configuration's units 12 does not match kernel of shape [12, 16]"),
        Refusal("h5/config_filters_mismatch.h5", .weights, "layer 'conv_same' (Conv1D): the configuration's filters 1000000000000 does not match kernel of shape [3, 3, 4]"),
        Refusal("h5/config_kernel_size_mismatch.h5", .weights, "layer 'conv_same' (Conv1D): the configuration's kernel_size [5] does not match kernel of shape [3, 3, 4]"),
        Refusal("h5/config_depth_multiplier_mismatch.h5", .weights, "layer 'depthwise' (DepthwiseConv2D): the configuration's depth_multiplier 3 does not match depthwise_kernel of shape [3, 3, 2, 2]"),
        Refusal("h5/config_separable_filters_mismatch.h5", .weights, "layer 'separable' (SeparableConv2D): the configuration's filters 7 does not match pointwise_kernel of shape [1, 1, 8, 6]"),
        Refusal("h5/no_keras_attributes.h5", .unsupported, "no model configuration"),
        Refusal("h5/weights_wrong_shape.h5", .weights, "layer 'dense_relu' (Dense): the configuration's units 16 does not match kernel of shape [12, 17]"),
        Refusal("h5/weights_wrong_dtype.h5", .weights, "layer 'dense_relu' (Dense): cannot read its weights: /model_weights/dense_relu/dense_relu/kernel:0: expected numbers, found"),
        Refusal("h5/weights_missing.h5", .weights, "layer 'dense_relu' (Dense): cannot read its weights: /model_weights/dense_relu/dense_relu/kernel:0: no such dataset"),
        Refusal("h5/weights_huge_dataset.h5", .weights, "layer 'dense_relu' (Dense): cannot read its weights: /model_weights/dense_relu/dense_relu/kernel:0: declared shape (1000000, 1000000)"),
        Refusal("h5/weights_unallocated_chunks.h5", .weights, "layer 'dense_relu' (Dense): cannot read its weights: /model_weights/dense_relu/dense_relu/kernel:0: declared shape (32768, 32768) of 4-byte elements needs 4294967296 bytes but only 0 are stored"),
        Refusal("keras/config_not_json.keras", .invalidConfig, "not valid JSON"),
        Refusal("keras/config_deep_nesting.keras", .invalidConfig, "more than 256 levels deep"),
    ]

    @Test(arguments: cases) func isRefused(_ refusal: Refusal<GraphError.Kind>) {
        let path = BadInputCorpus.root.appendingPathComponent(refusal.file).path
        #expect {
            _ = try KerasImporter.load(path: path)
        } throws: { error in
            guard let error = error as? GraphError else { return false }
            let text = error.description
            return error.kind == refusal.kind && text.hasPrefix(path) && text.components(separatedBy: path).count == 2
                && text.contains(refusal.fragment)
        }
    }
}
