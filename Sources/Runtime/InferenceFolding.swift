import KerasLensGraph

/// The nodes an inference plan runs: each BatchNormalization that only normalizes the output of a dense or
/// convolution layer with no activation of its own is folded into that layer's kernel and bias, and an Activation
/// layer that only reads the result becomes the layer's fused activation. ResNet's `conv → bn → relu` is then one
/// kernel and one pass over memory instead of three.
///
/// A folded node takes the name of the last layer it absorbed, so the layers it absorbed have no step in the
/// inference plan: naming one (capture, partial forward, ablation, gradients) selects the differentiable plan,
/// which keeps every layer. Layers that are model outputs or feed more than one layer are never absorbed.
func inferenceNodes(of graph: Graph) -> [Node] {
    var readers: [String: Int] = [:]
    for node in graph.nodes { for input in node.inputs { readers[input, default: 0] += 1 } }
    for output in graph.outputs { readers[output, default: 0] += 1 }
    var onlyReader: [String: Node] = [:]
    for node in graph.nodes where node.inputs.count == 1 && readers[node.inputs[0]] == 1 {
        onlyReader[node.inputs[0]] = node
    }

    var absorbed: Set<String> = []
    var nodes: [Node] = []
    for node in graph.nodes where !absorbed.contains(node.name) {
        guard node.op.fusedActivation == .linear, let norm = onlyReader[node.name],
              var folded = foldingNormalization(norm, into: node) else {
            nodes.append(node)
            continue
        }
        absorbed.insert(norm.name)
        if let next = onlyReader[norm.name], case .activation(let activation) = next.op,
           next.distributedAxes == node.distributedAxes, activation.fuses(rank: node.innerOutputShape.count) {
            folded.op = folded.op.replacingFusedActivation(with: activation)
            folded.name = next.name
            absorbed.insert(next.name)
        }
        nodes.append(folded)
    }
    return nodes
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
