import Foundation
@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import KerasLensH5Reader
import KerasLens
import Testing

/// Zoo files whose configuration is edited: what TFOpLambda, Keras 3 operation nodes and LayerNormalization cannot
/// run is refused naming the layer and the reason, and so is a configuration its weights contradict (a grouped
/// convolution whose kernel does not split into its groups, a transposed convolution's filters) or Keras refuses
/// (an output_padding not below the stride).
@Suite struct ConfigEditRefusalTests {
    typealias Edit = ConfigEdit

    static let edits: [Edit] = [
        Edit(file: "tf_op_lambda.k2.h5", replace: #""function": "math.tanh""#, with: #""function": "math.sqrt""#,
             kind: .unsupported, fragment: "layer 'tf.math.tanh' (TFOpLambda): function tf.math.sqrt is not supported"),
        Edit(file: "tf_op_lambda.k2.h5", replace: #""step": 2}"#, with: #""step": -1}"#,
             kind: .unsupported, fragment: "(SlicingOpLambda): tf.__operators__.getitem: a step of -1 is not supported"),
        Edit(file: "tf_op_lambda.k2.h5", replace: #""axis": [1, 2], "keepdims": true}"#, with: #""axis": null, "keepdims": true}"#,
             kind: .unsupported, fragment: "tf.math.reduce_mean: a reduction over every axis, the batch too, is not supported"),
        Edit(file: "resizing_crop.k2.h5", replace: #""name": "resize_down_bilinear", "trainable": true, "dtype": "float32", "height": 6, "width": 5, "interpolation": "bilinear", "crop_to_aspect_ratio": false"#,
             with: #""name": "resize_down_bilinear", "trainable": true, "dtype": "float32", "height": 6, "width": 5, "interpolation": "bilinear", "crop_to_aspect_ratio": true"#,
             kind: .unsupported, fragment: "layer 'resize_down_bilinear' (Resizing): crop_to_aspect_ratio is not supported"),
        Edit(file: "resizing_crop.k3.h5", replace: #""data_format": "channels_last", "height": 6, "width": 5}, "name": "center_crop""#,
             with: #""data_format": "channels_last", "height": 6, "width": 12}, "name": "center_crop""#,
             kind: .unsupported, fragment: "layer 'center_crop' (CenterCrop): cropping [9, 8] images to [6, 12] needs Keras's resize of smaller images"),
        Edit(file: "upsampling_bilinear.k2.h5", replace: #""size": [2, 2], "data_format": "channels_last", "interpolation": "bilinear""#,
             with: #""size": [2, 2], "data_format": "channels_last", "interpolation": "bicubic""#,
             kind: .unsupported, fragment: "layer 'up_bilinear_2' (UpSampling2D): interpolation 'bicubic' is not supported; only bilinear and nearest"),
        Edit(file: "group_normalization.k2.h5", replace: #""name": "gn_3", "trainable": true, "dtype": "float32", "groups": 3, "axis": -1"#,
             with: #""name": "gn_3", "trainable": true, "dtype": "float32", "groups": 4, "axis": -1"#,
             kind: .invalidConfig, fragment: "layer 'gn_3' (GroupNormalization): groups 4 do not split the 6 channels evenly"),
        Edit(file: "tf_op_lambda.k2.h5", replace: #""y": 4.0"#, with: #""y": [1.0, 2.0]"#,
             kind: .unsupported, fragment: "tf.math.truediv: a constant operand must be a number or one number per channel (4)"),
        Edit(file: "keras3_operations.keras", replace: #""class_name": "Minimum""#, with: #""class_name": "Power""#,
             kind: .unsupported, fragment: "(Power): function keras.src.ops.numpy.Power is not supported"),
        Edit(file: "layer_normalization.k2.h5", replace: #""name": "ln_rows", "trainable": true, "dtype": "float32", "axis": [1]"#,
             with: #""name": "ln_rows", "trainable": true, "dtype": "float32", "axis": [3]"#,
             kind: .weights, fragment: "layer 'ln_rows' (LayerNormalization): gamma has shape [5], expected [6]"),
        Edit(file: "layer_normalization.k2.h5", replace: #""name": "ln_rows", "trainable": true, "dtype": "float32", "axis": [1]"#,
             with: #""name": "ln_rows", "trainable": true, "dtype": "float32", "axis": [0]"#,
             kind: .invalidConfig, fragment: "layer 'ln_rows' (LayerNormalization): axis 0 is not a feature axis of a rank-4 input"),
        Edit(file: "grouped_convolution.k2.h5", replace: #""name": "conv1d_groups", "trainable": true, "dtype": "float32", "filters": 8"#,
             with: #""name": "conv1d_groups", "trainable": true, "dtype": "float32", "filters": 12"#,
             kind: .weights, fragment: "layer 'conv1d_groups' (Conv1D): depthwise_kernel has shape [3, 1, 8], the configuration needs [3, 1, 12]"),
        Edit(file: "grouped_convolution.k3.h5", replace: #""groups": 4, "activation": "relu""#, with: #""groups": 2, "activation": "relu""#,
             kind: .weights, fragment: "layer 'conv_dw_multiplier' (Conv2D): kernel has shape [3, 2, 1, 8], which does not split input [7, 6, 4] and its filters into 2 groups"),
        Edit(file: "conv_transpose_2d.k2.h5", replace: #""name": "tconv_same_s2", "trainable": true, "dtype": "float32", "filters": 4"#,
             with: #""name": "tconv_same_s2", "trainable": true, "dtype": "float32", "filters": 3"#,
             kind: .weights, fragment: "layer 'tconv_same_s2' (Conv2DTranspose): the configuration's filters 3 does not match kernel of shape [3, 3, 4, 3]"),
        Edit(file: "conv_transpose_1d.k3.h5", replace: #""kernel_size": [4], "strides": [3], "padding": "same", "output_padding": [1]"#,
             with: #""kernel_size": [4], "strides": [3], "padding": "same", "output_padding": [3]"#,
             kind: .invalidConfig, fragment: "layer 'tconv1d_same_s3_op1' (Conv1DTranspose): output_padding [3] must be at least 0 and below strides [3]"),
        Edit(file: "../sequence/cudnn.k2.h5", replace: #""time_major": false, "units": 4"#, with: #""time_major": false, "units": 5"#,
             kind: .weights, fragment: "layer 'lstm_sequences' (CuDNNLSTM): kernel has shape [3, 16], expected [inputs, 20]"),
        // Attention layers: configurations their weights contradict, and what the runtime cannot do.
        Edit(file: "mha_self.k2.h5", replace: #""key_dim": 4, "value_dim": 4"#, with: #""key_dim": 5, "value_dim": 4"#,
             kind: .weights, fragment: "layer 'mha' (MultiHeadAttention): query_kernel has shape [8, 2, 4], expected [8, 2, 5]"),
        Edit(file: "mha_cross.k2.h5", replace: #""use_bias": false, "output_shape": 3"#, with: #""use_bias": true, "output_shape": 3"#,
             kind: .weights, fragment: "layer 'cross' (MultiHeadAttention): expected weights [\"query_kernel\", \"query_bias\""),
        Edit(file: "mha_cross.k3.h5", replace: #""use_bias": false, "use_gate": false, "output_shape": [3]"#,
             with: #""use_bias": false, "use_gate": false, "output_shape": [4]"#,
             kind: .weights, fragment: "layer 'cross' (MultiHeadAttention): output_kernel has shape [2, 4, 3], expected [2, 4, 4]"),
        Edit(file: "mha_self.k2.h5", replace: #""dropout": 0.1, "use_bias": true, "output_shape": null, "attention_axes": [1]"#,
             with: #""dropout": 0.1, "use_bias": true, "output_shape": null, "attention_axes": [2]"#,
             kind: .unsupported, fragment: "layer 'mha' (MultiHeadAttention): attention_axes [2] is not supported"),
        Edit(file: "mha_self.k2.h5", replace: #"{"value": ["tokens", 0, 0]}"#,
             with: #"{"value": ["tokens", 0, 0], "attention_mask": ["tokens", 0, 0]}"#,
             kind: .unsupported, fragment: "layer 'mha' (MultiHeadAttention): call argument 'attention_mask' passes a tensor, which is not supported"),
        Edit(file: "mha_self.k2.h5", replace: #"{"value": ["tokens", 0, 0]}"#,
             with: #"{"value": ["tokens", 0, 0], "return_attention_scores": true}"#,
             kind: .unsupported, fragment: "layer 'mha' (MultiHeadAttention): return_attention_scores=True (a second output) is not supported"),
        Edit(file: "mha_cross.k3.h5", replace: #""use_bias": true, "use_gate": false"#, with: #""use_bias": true, "use_gate": true"#,
             kind: .unsupported, fragment: "layer 'cross_shaped' (MultiHeadAttention): use_gate=True is not supported"),
        Edit(file: "attention_layers.k2.h5", replace: #""use_scale": true, "score_mode": "dot"}"#,
             with: #""use_scale": false, "score_mode": "dot"}"#,
             kind: .weights, fragment: "layer 'dot' (Attention): expected weights [], the file has"),
        Edit(file: "attention_layers.k2.h5", replace: #"["query", 0, 0, {"use_causal_mask": true}], ["query", 0, 0, {"use_causal_mask": true}]"#,
             with: #"["query", 0, 0, {"use_causal_mask": true, "return_attention_scores": true}], ["query", 0, 0, {"use_causal_mask": true}]"#,
             kind: .unsupported, fragment: "layer 'causal' (Attention): return_attention_scores=True (a second output) is not supported"),
        Edit(file: "attention_layers.k2.h5", replace: #""use_scale": true, "score_mode": "concat"}"#,
             with: #""use_scale": true, "score_mode": "general"}"#,
             kind: .unsupported, fragment: "layer 'concat_scores' (Attention): score_mode 'general' is not supported (dot or concat)"),
    ]

    @Test(arguments: edits) func isRefused(_ edit: Edit) throws { try edit.expectRefused() }
}
