@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import Testing

@Suite struct SnakeCaseTests {
    /// The folder names Keras 3 gives layers in a `.keras` weights file.
    @Test(arguments: [("Conv2D", "conv2d"), ("BatchNormalization", "batch_normalization"), ("DepthwiseConv2D", "depthwise_conv2d"),
                      ("ReLU", "re_lu"), ("PReLU", "p_re_lu"), ("GlobalAveragePooling1D", "global_average_pooling1d"),
                      ("ELU", "elu"), ("Dense", "dense"), ("SeparableConv2D", "separable_conv2d"), ("UpSampling2D", "up_sampling2d")])
    func matchesKeras(name: String, snake: String) {
        #expect(kerasSnakeCase(name) == snake)
    }
}
