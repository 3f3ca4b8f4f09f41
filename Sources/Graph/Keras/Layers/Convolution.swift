import KerasLensGraph

/// Reads the window options shared by convolutions and pooling.
func readWindow(_ config: LayerConfig, rank: Int, sizeKey: String, defaultStrides: [Int]? = nil) throws(GraphError) -> Window {
    try config.requireChannelsLast()
    let size = try config.ints(sizeKey, count: rank)
    let strides = try config.ints("strides", count: rank, default: defaultStrides ?? Array(repeating: 1, count: rank))
    let dilations = try config.ints("dilation_rate", count: rank, default: Array(repeating: 1, count: rank))
    let paddingName = try config.string("padding", default: "valid").lowercased()
    guard let padding = Padding(rawValue: paddingName) else {
        throw config.error(.unsupported, "padding '\(paddingName)' is not supported; only valid and same")
    }
    guard (size + strides + dilations).allSatisfy({ $0 >= 1 }) else {
        throw config.error(.invalidConfig, "sizes, strides and dilations must be positive")
    }
    return Window(size: size, strides: strides, dilations: dilations, padding: padding)
}

func convolutionBuilder(rank: Int) -> LayerBuilder {
    { config, inputs throws(GraphError) in
        let groups = try config.int("groups", default: 1)
        let window = try readWindow(config, rank: rank, sizeKey: "kernel_size")
        let useBias = try config.bool("use_bias", default: true)
        let channels = inputs.first?.last ?? 0
        if groups == channels && groups > 1 {
            return try depthwiseGroups(config, groups: groups, window: window, useBias: useBias)
        }
        guard groups >= 1 else { throw config.error(.invalidConfig, "groups \(groups) is not a positive number") }
        let op: Op = groups == 1 ? .convolution(window: window, activation: try config.activation())
            : .groupedConvolution(window: window, groups: groups, activation: try config.activation())
        return BuiltLayer(op: op,
                          weightNames: useBias ? ["kernel", "bias"] : ["kernel"],
                          declared: [.leading("kernel_size", window.size, of: "kernel"),
                                     .last("filters", try config.int("filters"), of: "kernel")])
    }
}

/// A convolution with one group per input channel (ConvNeXt's `Conv2D(groups=C)`) is a depthwise convolution: output
/// channel `c·m + j` reads input channel `c` in both, so the kernel [k…, 1, C·m] is the depthwise kernel [k…, C, m]
/// with the same values in the same order, and runs on the depthwise kernels. Other group counts are a grouped
/// convolution.
private func depthwiseGroups(_ config: LayerConfig, groups channels: Int, window: Window,
                             useBias: Bool) throws(GraphError) -> BuiltLayer {
    let filters = try config.int("filters")
    guard filters % channels == 0 else {
        throw config.error(.invalidConfig, "filters \(filters) is not a multiple of groups \(channels)")
    }
    let multiplier = filters / channels
    return BuiltLayer(op: .depthwiseConvolution(window: window, multiplier: multiplier, activation: try config.activation()),
                      weightNames: useBias ? ["depthwise_kernel", "bias"] : ["depthwise_kernel"],
                      aliases: ["kernel": "depthwise_kernel"],
                      declared: [.last("filters", filters, of: "bias")],
                      reshaped: ["depthwise_kernel": (stored: window.size + [1, filters], shape: window.size + [channels, multiplier])])
}

/// Conv1DTranspose / Conv2DTranspose. Keras's `output_padding=None` becomes the padding that gives the length Keras
/// infers for it (`deconv_output_length`): `valid` keeps `n·stride + max(extent − stride, 0)` positions, `same`
/// `n·stride`; a given `output_padding` must be below the stride, as Keras requires.
func transposedConvolutionBuilder(rank: Int) -> LayerBuilder {
    { config, _ throws(GraphError) in
        let window = try readWindow(config, rank: rank, sizeKey: "kernel_size")
        let groups = try config.int("groups", default: 1)
        guard groups == 1 else {
            throw config.error(.unsupported, "grouped transposed convolution (groups \(groups)) is not supported")
        }
        // Bounded before the extents are computed from them (shape inference range-checks the op again).
        guard (window.size + window.dilations).allSatisfy({ $0 <= ShapeLimits.maxAttribute }) else {
            throw config.error(.invalidConfig, "kernel_size \(window.size) or dilation_rate \(window.dilations) is above \(ShapeLimits.maxAttribute)")
        }
        let extents = (0..<rank).map { (window.size[$0] - 1) * window.dilations[$0] + 1 }
        let outputPadding: [Int]
        if config.has("output_padding") {
            outputPadding = try config.ints("output_padding", count: rank)
            guard zip(outputPadding, window.strides).allSatisfy({ $0 >= 0 && $0 < $1 }) else {
                throw config.error(.invalidConfig, "output_padding \(outputPadding) must be at least 0 and below strides \(window.strides)")
            }
        } else {
            outputPadding = zip(extents, window.strides).map { extent, stride in
                window.padding == .same ? stride - extent % 2 : max(stride - extent, 0)
            }
        }
        let useBias = try config.bool("use_bias", default: true)
        return BuiltLayer(op: .transposedConvolution(window: window, outputPadding: outputPadding, activation: try config.activation()),
                          weightNames: useBias ? ["kernel", "bias"] : ["kernel"],
                          declared: [.leading("kernel_size", window.size, of: "kernel"),
                                     .axis(rank, "filters", try config.int("filters"), of: "kernel")])
    }
}

func depthwiseBuilder(rank: Int) -> LayerBuilder {
    { config, _ throws(GraphError) in
        let window = try readWindow(config, rank: rank, sizeKey: "kernel_size")
        let multiplier = try config.int("depth_multiplier", default: 1)
        let useBias = try config.bool("use_bias", default: true)
        return BuiltLayer(op: .depthwiseConvolution(window: window, multiplier: multiplier, activation: try config.activation()),
                          weightNames: useBias ? ["depthwise_kernel", "bias"] : ["depthwise_kernel"],
                          aliases: ["kernel": "depthwise_kernel"],
                          declared: [.leading("kernel_size", window.size, of: "depthwise_kernel"),
                                     .last("depth_multiplier", multiplier, of: "depthwise_kernel")])
    }
}

func separableBuilder(rank: Int) -> LayerBuilder {
    { config, _ throws(GraphError) in
        let window = try readWindow(config, rank: rank, sizeKey: "kernel_size")
        let multiplier = try config.int("depth_multiplier", default: 1)
        let useBias = try config.bool("use_bias", default: true)
        let kernels = ["depthwise_kernel", "pointwise_kernel"]
        return BuiltLayer(op: .separableConvolution(window: window, multiplier: multiplier, activation: try config.activation()),
                          weightNames: useBias ? kernels + ["bias"] : kernels,
                          declared: [.leading("kernel_size", window.size, of: "depthwise_kernel"),
                                     .last("depth_multiplier", multiplier, of: "depthwise_kernel"),
                                     .last("filters", try config.int("filters"), of: "pointwise_kernel")])
    }
}

/// keras.applications' `LayerScale` (ConvNeXt): `x · gamma`, one factor per channel, run as a depthwise convolution
/// with a window of 1 whose kernel is `gamma` ([C] read as [1…, C, 1]).
@Sendable func buildLayerScale(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let input = inputs.first ?? []
    guard input.count >= 2, let channels = input.last else {
        throw config.error(.unsupported, "LayerScale over an input of shape \(input) (no axis before the channels) is not supported")
    }
    let ones = Array(repeating: 1, count: input.count - 1)
    let window = Window(size: ones, strides: ones, dilations: ones, padding: .valid)
    return BuiltLayer(op: .depthwiseConvolution(window: window, multiplier: 1, activation: .linear),
                      weightNames: ["depthwise_kernel"], aliases: ["gamma": "depthwise_kernel"],
                      reshaped: ["depthwise_kernel": (stored: [try config.int("projection_dim", default: channels)],
                                                      shape: ones + [channels, 1])])
}
