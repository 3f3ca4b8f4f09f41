import KerasLensGraph

/// The nodes an inference plan runs: each BatchNormalization that only normalizes the output of a dense or
/// convolution layer with no activation of its own is folded into that layer's kernel and bias, and an Activation
/// layer that only reads the result becomes the layer's fused activation. ResNet's `conv → bn → relu` is then one
/// kernel and one pass over memory instead of three.
///
/// A ZeroPadding layer that adds exactly the zeros `same` padding would, read only by a `valid` convolution (how
/// Keras's MobileNets and EfficientNets pad before a strided depthwise layer), becomes that convolution's own `same`
/// padding: the kernels pad a band in cache instead of a pass writing the padded tensor.
///
/// A residual connection, `relu(add(conv(x), shortcut))` with the convolution read only by the Add and the Add only
/// by the activation (ResNet's `_3_bn → _add → _out`), becomes the convolution with the shortcut as a second input,
/// added to its sums before the activation (`ConvolutionKernel.forward`): the Add and ReLU passes go.
///
/// MobileNetV3's hard-swish, four layers, is first one activation (`foldingHardSwish`), which then fuses the same way.
/// Layers that do nothing at inference (Dropout and noise layers) go first, their readers reading their input
/// (`droppingIdentities`): no step copies a tensor, and EfficientNet's `add(dropout(project_bn), shortcut)` becomes a
/// residual the projection adds in registers.
///
/// A folded node takes the name of the last layer it absorbed, so the layers it absorbed have no step in the
/// inference plan: naming one (capture, partial forward, ablation, gradients) selects the differentiable plan,
/// which keeps every layer. Layers that are model outputs or feed more than one layer are never absorbed.
///
/// `forGradients` (the folded gradient plan): only activations whose derivative is read off their output
/// (`Activation.outputMaskTop`: ReLU, ReLU6) are absorbed; the others stay steps, whose backward passes read their
/// input. A folded residual's backward pass sends the gradient to the shortcut as it is (`ConvolutionKernel.backward`),
/// so the Add's forward pass, and in the backward pass the zeroed buffer the Add copied the gradient into for the
/// convolution, go there too.
func inferenceNodes(of graph: Graph, forGradients: Bool = false) -> [Node] {
    let graphNodes = foldingHardSwish(droppingIdentities(graph.nodes, outputs: graph.outputs), outputs: graph.outputs)
    let readers = readerCounts(of: graphNodes, outputs: graph.outputs)
    var onlyReader: [String: Node] = [:]
    for node in graphNodes where node.inputs.count == 1 && readers[node.inputs[0]] == 1 {
        onlyReader[node.inputs[0]] = node
    }

    let shapes = Dictionary(graphNodes.map { ($0.name, $0.outputShape) }, uniquingKeysWith: { first, _ in first })
    var absorbed: Set<String> = []
    var paddedSame: [String: Node] = [:]
    for pad in graphNodes {
        guard let reader = onlyReader[pad.name], let folded = foldingPadding(pad, into: reader) else { continue }
        paddedSame[reader.name] = folded
        absorbed.insert(pad.name)
    }
    var nodes: [Node] = []
    for original in graphNodes where !absorbed.contains(original.name) {
        if let (index, residual) = foldingResidual(original, emitted: nodes, readers: readers, shapes: shapes) {
            nodes.remove(at: index)
            var fused = residual
            if let next = onlyReader[original.name], case .activation(let activation) = next.op,
               forGradients ? activation.outputMaskTop != nil : activation.fuses(rank: fused.innerOutputShape.count) {
                fused.op = fused.op.replacingFusedActivation(with: activation)
                fused.name = next.name
                absorbed.insert(next.name)
            }
            nodes.append(fused)
            continue
        }
        let node = paddedSame[original.name] ?? original
        guard node.op.fusedActivation == .linear, let norm = onlyReader[node.name],
              var folded = foldingNormalization(norm, into: node) else {
            nodes.append(node)
            continue
        }
        absorbed.insert(norm.name)
        if let next = onlyReader[norm.name], case .activation(let activation) = next.op,
           next.distributedAxes == node.distributedAxes,
           forGradients ? activation.outputMaskTop != nil : activation.fuses(rank: node.innerOutputShape.count) {
            folded.op = folded.op.replacingFusedActivation(with: activation)
            folded.name = next.name
            absorbed.insert(next.name)
        }
        nodes.append(folded)
    }
    return nodes
}

/// `nodes` without their `.identity` layers that are not model outputs, each reader of one reading its input instead.
func droppingIdentities(_ nodes: [Node], outputs: [String]) -> [Node] {
    var source: [String: String] = [:]
    var kept: [Node] = []
    for var node in nodes {
        node.inputs = node.inputs.map { source[$0] ?? $0 }
        if case .identity = node.op, node.inputs.count == 1, !outputs.contains(node.name) {
            source[node.name] = node.inputs[0]
            continue
        }
        kept.append(node)
    }
    return kept
}

/// How many layers read each tensor, a model output counting as one more reader: a layer read once can be absorbed
/// into its reader.
func readerCounts(of nodes: [Node], outputs: [String]) -> [String: Int] {
    var readers: [String: Int] = [:]
    for node in nodes { for input in node.inputs { readers[input, default: 0] += 1 } }
    for output in outputs { readers[output, default: 0] += 1 }
    return readers
}

/// For a two-input Add one of whose inputs is an emitted linear convolution that only it reads (the later one if
/// both are) and whose other input has the Add's shape (no broadcasting), that convolution's index in `emitted` and
/// the convolution with the other input as its residual, named as the Add; nil otherwise.
private func foldingResidual(_ add: Node, emitted: [Node], readers: [String: Int], shapes: [String: [Int]]) -> (Int, Node)? {
    guard case .merge(.add) = add.op, add.inputs.count == 2, add.distributedAxes == 0 else { return nil }
    for index in emitted.indices.reversed() {
        let layer = emitted[index]
        guard let side = add.inputs.firstIndex(of: layer.name) else { continue }
        let shortcut = add.inputs[1 - side]
        guard case .convolution(_, .linear) = layer.op, layer.inputs.count == 1, layer.distributedAxes == 0,
              readers[layer.name] == 1, shortcut != layer.name, layer.outputShape == add.outputShape,
              shapes[shortcut] == add.outputShape else { continue }
        var fused = layer
        fused.inputs.append(shortcut)
        fused.name = add.name
        return (index, fused)
    }
    return nil
}

/// `layer` reading `pad`'s input with `same` padding, when `pad` is a zero padding of exactly the zeros `same`
/// padding adds for `layer`'s window and `layer` a `valid` convolution; nil otherwise.
private func foldingPadding(_ pad: Node, into layer: Node) -> Node? {
    guard case .zeroPadding(let pads) = pad.op, pad.distributedAxes == 0, layer.distributedAxes == 0 else { return nil }
    let window: Window, withWindow: (Window) -> Op
    switch layer.op {
    case .convolution(let w, let activation):
        (window, withWindow) = (w, { .convolution(window: $0, activation: activation) })
    case .groupedConvolution(let w, let groups, let activation):
        (window, withWindow) = (w, { .groupedConvolution(window: $0, groups: groups, activation: activation) })
    case .depthwiseConvolution(let w, let multiplier, let activation):
        (window, withWindow) = (w, { .depthwiseConvolution(window: $0, multiplier: multiplier, activation: activation) })
    case .separableConvolution(let w, let multiplier, let activation):
        (window, withWindow) = (w, { .separableConvolution(window: $0, multiplier: multiplier, activation: activation) })
    case .transposedConvolution, .input, .pool, .globalPool, .reduce, .flatten, .reshape, .permute, .identity, .dense,
         .batchNormalization, .activation, .prelu, .merge, .linearCombination, .concatenate, .zeroPadding, .cropping,
         .upsampling, .resize, .rescaling, .normalization, .layerNormalization, .groupNormalization, .unitNormalization,
         .slice, .recurrent, .embedding, .sequenceMask, .attention:
        return nil
    }
    guard window.padding == .valid, pads.count == window.rank else { return nil }
    for axis in 0..<window.rank {
        let length = pad.outputShape[axis] - pads[axis][0] - pads[axis][1]
        let needed = window.samePads(axis: axis, length: length)
        guard pads[axis] == [needed.before, needed.after] else { return nil }
    }
    var same = window
    same.padding = .same
    var folded = layer
    folded.inputs = pad.inputs
    folded.op = withWindow(same)
    return folded
}

/// `layer` with the batch normalization `norm` (which reads only it) folded into its weights: per output channel
/// `kernel · scale` and `bias · scale + shift`, named as `norm`; nil when `norm` is not a batch normalization over
/// the layer's channels.
private func foldingNormalization(_ norm: Node, into layer: Node) -> Node? {
    // The axis counts over the normalization's own (distributed) input; the channels are the last axis either way.
    guard case .batchNormalization(let axis, let epsilon) = norm.op, axis + norm.distributedAxes == layer.outputShape.count,
          let channels = layer.outputShape.last else { return nil }
    // The kernel and where its output channels are: its last `channelAxes` axes before `trailing` others
    // ([…, in, multiplier] for a depthwise one; […, out, in] for a transposed one, one axis after them).
    let kernelName: String, channelAxes: Int, trailing: Int
    switch layer.op {
    case .dense, .convolution, .groupedConvolution:
        (kernelName, channelAxes, trailing) = ("kernel", 1, 0)
    case .transposedConvolution:
        (kernelName, channelAxes, trailing) = ("kernel", 1, 1)
    case .depthwiseConvolution:
        (kernelName, channelAxes, trailing) = ("depthwise_kernel", 2, 0)
    case .separableConvolution:
        (kernelName, channelAxes, trailing) = ("pointwise_kernel", 1, 0)
    case .input, .pool, .globalPool, .reduce, .flatten, .reshape, .permute, .identity, .batchNormalization, .activation,
         .prelu, .merge, .linearCombination, .concatenate, .zeroPadding, .cropping, .upsampling, .resize, .rescaling,
         .normalization, .layerNormalization, .groupNormalization, .unitNormalization, .slice, .recurrent, .embedding,
         .sequenceMask, .attention:
        return nil
    }
    guard let kernel = layer.weights[kernelName],
          kernel.shape.dropLast(trailing).suffix(channelAxes).reduce(1, *) == channels else { return nil }
    let stride = kernel.shape.suffix(trailing).reduce(1, *)
    let (scale, shift) = batchNormalizationAffine(norm, epsilon: epsilon)
    var folded = layer
    folded.name = norm.name
    folded.weights[kernelName] = Tensor(shape: kernel.shape, scalars: kernel.scalars.enumerated().map { $1 * scale[$0 / stride % channels] })
    let bias = layer.weights["bias"]?.scalars
    folded.weights["bias"] = Tensor(shape: [channels], scalars: (0..<channels).map { (bias?[$0] ?? 0) * scale[$0] + shift[$0] })
    return folded
}
