import KerasLensGraph

/// A layer whose only reader is a rectifier (ResNet's residual `add → relu`, DenseNet's `bn → relu`), run as one
/// step of a folded gradient plan: the forward pass applies the rectifier to the layer's output in place, and the
/// backward pass is the layer's own, on the output gradient the plan has masked with the output
/// (`Plan.Step.outputMask`). An activation step would copy the tensor forward and add its gradient into a zeroed
/// buffer backward. Only layers whose backward pass never reads their output qualify (`Op.takesRectifierInPlace`).
struct RectifiedKernel: Kernel {
    let layer: any Kernel
    let activation: Activation
    /// Values per sample.
    let count: Int

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        layer.forward(inputs, output, batch: batch)
        rectify(output, batch: batch)
    }

    func forwardKeepingTrace(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) -> AnyObject? {
        let trace = layer.forwardKeepingTrace(inputs, output, batch: batch)
        rectify(output, batch: batch)
        return trace
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        layer.backward(inputs, output, outputGradient, inputGradients, batch: batch)
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?) {
        layer.backward(inputs, output, outputGradient, inputGradients, batch: batch, trace: trace)
    }

    private func rectify(_ output: UnsafeMutablePointer<Float>, batch: Int) {
        Parallel.forEachRange(batch * count) { range in
            activation.apply(output + range.lowerBound, shape: [range.count])
        }
    }
}

extension Op {
    /// Whether a folded gradient plan may apply a rectifier that is this layer's only reader to its output in
    /// place (`RectifiedKernel`): the layer's backward pass never reads its output. Layers with an activation of
    /// their own take the rectifier as that activation instead (`inferenceNodes(of:forGradients:)`).
    var takesRectifierInPlace: Bool {
        switch self {
        case .merge(let kind):
            return kind == .add || kind == .subtract || kind == .average
        case .batchNormalization, .concatenate, .rescaling:
            return true
        case .input, .dense, .convolution, .groupedConvolution, .transposedConvolution, .depthwiseConvolution,
             .separableConvolution, .pool, .globalPool, .reduce, .flatten, .reshape, .permute, .identity, .activation, .prelu,
             .linearCombination, .zeroPadding, .cropping, .upsampling, .resize, .normalization, .layerNormalization,
             .groupNormalization, .unitNormalization, .slice, .recurrent, .embedding, .sequenceMask, .attention:
            return false
        }
    }
}
