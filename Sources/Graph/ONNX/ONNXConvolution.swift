import KerasLensGraph

/// Convolutions (plain, grouped, transposed, depthwise, separable; 1-D and 2-D). ONNX's Conv is channels first, so each one transposes
/// its input to NC…, convolves with the kernel moved from Keras's `[k…, in, out]` to ONNX's `[out, in, k…]`, and
/// transposes back before the fused activation. TensorFlow's `same` padding becomes explicit `pads` with the odd
/// row or column at the end, so the result does not depend on how a runtime reads `auto_pad`.
extension ONNXBuilder {
    /// With `groups`, ONNX's grouped Conv: its weight [out, in / groups, k…] is Keras's grouped kernel moved the
    /// same way, output channel o still belonging to group o / (out / groups).
    mutating func convolution(_ node: Node, window: Window, groups: Int = 1, activation: Activation, input: String,
                              shape: [Int], into output: String) {
        let rank = window.rank
        let kernel = node.weights["kernel"]!.permuted([rank + 1, rank] + Array(0..<rank))
        var inputs = [channelsFirst(input, spatialRank: rank, layer: node.name), constant(kernel, layer: node.name, "kernel")]
        if let bias = node.weights["bias"] { inputs.append(constant(bias, layer: node.name, "bias")) }
        let grouping: [Onnx_AttributeProto] = groups == 1 ? [] : [.int("group", groups)]
        let convolved = step("Conv", inputs, layer: node.name,
                             convolutionAttributes(window, spatial: Array(shape.dropLast())) + grouping)
        finish(convolved, spatialRank: rank, activation: activation, layer: node.name, into: output)
    }

    /// Conv1DTranspose / Conv2DTranspose as ONNX's ConvTranspose, whose weight [in, out, k…] is Keras's kernel
    /// [k…, out, in] with the channel axes moved to the front. Explicit `pads` and `output_padding` give Keras's
    /// output size and alignment (`transposedPads`), so no runtime's reading of `auto_pad` or `output_shape` matters.
    mutating func transposedConvolution(_ node: Node, window: Window, activation: Activation, input: String,
                                        shape: [Int], into output: String) {
        let rank = window.rank
        let kernel = node.weights["kernel"]!.permuted([rank + 1, rank] + Array(0..<rank))
        var inputs = [channelsFirst(input, spatialRank: rank, layer: node.name), constant(kernel, layer: node.name, "kernel")]
        if let bias = node.weights["bias"] { inputs.append(constant(bias, layer: node.name, "bias")) }
        let (pads, outputPadding) = transposedPads(window, input: Array(shape.dropLast()), output: Array(node.outputShape.dropLast()))
        let convolved = step("ConvTranspose", inputs, layer: node.name,
                             [.ints("kernel_shape", window.size), .ints("strides", window.strides),
                              .ints("dilations", window.dilations), .ints("pads", pads), .ints("output_padding", outputPadding)])
        finish(convolved, spatialRank: rank, activation: activation, layer: node.name, into: output)
    }

    /// Depthwise convolution as a grouped Conv with one group per input channel. Keras's output channel
    /// `c · multiplier + m` is ONNX's group `c`, filter `m`, so the kernel `[k…, in, multiplier]` becomes
    /// `[in · multiplier, 1, k…]` by moving the two channel axes to the front.
    mutating func depthwiseConvolution(_ node: Node, window: Window, multiplier: Int, activation: Activation,
                                       input: String, shape: [Int], into output: String) {
        let rank = window.rank
        var inputs = [channelsFirst(input, spatialRank: rank, layer: node.name),
                      depthwiseKernel(node, rank: rank, channels: shape.last!, multiplier: multiplier)]
        if let bias = node.weights["bias"] { inputs.append(constant(bias, layer: node.name, "bias")) }
        let attributes = convolutionAttributes(window, spatial: Array(shape.dropLast())) + [.int("group", shape.last!)]
        let convolved = step("Conv", inputs, layer: node.name, attributes)
        finish(convolved, spatialRank: rank, activation: activation, layer: node.name, into: output)
    }

    /// Depthwise (window, strides, padding; no bias) then a 1×1 pointwise Conv carrying the bias.
    mutating func separableConvolution(_ node: Node, window: Window, multiplier: Int, activation: Activation,
                                       input: String, shape: [Int], into output: String) {
        let rank = window.rank
        let depthwise = step("Conv", [channelsFirst(input, spatialRank: rank, layer: node.name),
                                      depthwiseKernel(node, rank: rank, channels: shape.last!, multiplier: multiplier)],
                             layer: node.name,
                             convolutionAttributes(window, spatial: Array(shape.dropLast())) + [.int("group", shape.last!)])
        let pointwise = node.weights["pointwise_kernel"]!.permuted([rank + 1, rank] + Array(0..<rank))
        var inputs = [depthwise, constant(pointwise, layer: node.name, "pointwise_kernel")]
        if let bias = node.weights["bias"] { inputs.append(constant(bias, layer: node.name, "bias")) }
        let convolved = step("Conv", inputs, layer: node.name, [.ints("kernel_shape", Array(repeating: 1, count: rank))])
        finish(convolved, spatialRank: rank, activation: activation, layer: node.name, into: output)
    }

    private mutating func depthwiseKernel(_ node: Node, rank: Int, channels: Int, multiplier: Int) -> String {
        var kernel = node.weights["depthwise_kernel"]!.permuted([rank, rank + 1] + Array(0..<rank))
        kernel.shape = [channels * multiplier, 1] + Array(kernel.shape.dropFirst(2))
        return constant(kernel, layer: node.name, "depthwise_kernel")
    }

    private func convolutionAttributes(_ window: Window, spatial: [Int]) -> [Onnx_AttributeProto] {
        [.ints("kernel_shape", window.size), .ints("strides", window.strides), .ints("dilations", window.dilations),
         .ints("pads", explicitPads(window, spatial: spatial))]
    }

    /// Back to channels last, then the fused activation (on the channels-last value, so a softmax axis keeps its
    /// Keras meaning).
    mutating func finish(_ channelsFirstValue: String, spatialRank: Int, activation: Activation, layer: String, into output: String) {
        guard activation != .linear else {
            channelsLast(channelsFirstValue, spatialRank: spatialRank, into: output)
            return
        }
        let preactivation = fresh(layer, "preactivation")
        channelsLast(channelsFirstValue, spatialRank: spatialRank, into: preactivation)
        self.activation(activation, preactivation, layer: layer, into: output)
    }
}

/// ONNX ConvTranspose's `pads` and `output_padding` for a transposed convolution from `input` to `output` positions.
/// ConvTranspose computes the full result `(n − 1)·s + e`, drops `pads` begins and ends, and appends `output_padding`
/// positions (reached by no tap) at the end: the begin is what Keras crops before the first position; the end
/// crops what overhangs the output, or, when the output reaches past the full result (`valid` with a stride above
/// the extent, an output_padding), output_padding makes up the difference.
func transposedPads(_ window: Window, input: [Int], output: [Int]) -> (pads: [Int], outputPadding: [Int]) {
    var begins: [Int] = [], ends: [Int] = [], outputPadding: [Int] = []
    for axis in 0..<window.rank {
        let before = window.transposedPadBefore(axis: axis, input: input[axis], output: output[axis])
        let full = (input[axis] - 1) * window.strides[axis] + (window.size[axis] - 1) * window.dilations[axis] + 1
        let beyond = output[axis] + before - full
        begins.append(before)
        ends.append(max(-beyond, 0))
        outputPadding.append(max(beyond, 0))
    }
    return (begins + ends, outputPadding)
}

/// ONNX `pads` (all begins, then all ends) for a window over `spatial`: zero for `valid`; for `same`, the total
/// TensorFlow pads to reach `ceil(n / stride)` outputs, with the smaller half first.
func explicitPads(_ window: Window, spatial: [Int]) -> [Int] {
    var begins: [Int] = []
    var ends: [Int] = []
    for axis in 0..<window.rank {
        let length = spatial[axis]
        let output = window.padding == .same ? (length + window.strides[axis] - 1) / window.strides[axis] : 0
        let extent = (window.size[axis] - 1) * window.dilations[axis] + 1
        let total = window.padding == .same ? max((output - 1) * window.strides[axis] + extent - length, 0) : 0
        let before = window.padBefore(axis: axis, length: length)
        begins.append(before)
        ends.append(total - before)
    }
    return begins + ends
}
