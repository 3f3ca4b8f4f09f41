import KerasLensGraph

/// One graph node made ready to run: shapes fixed, weights repacked for the kernel's loops.
///
/// Buffers are contiguous, batch-first and channels-last; each input and the output hold `batch` samples of the
/// node's per-sample shapes. A kernel keeps no state between calls, so one plan can serve concurrent callers.
protocol Kernel: Sendable {
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int)

    /// Adds `∂L/∂input` to `inputGradients[i]` for each input whose gradient is wanted (nil otherwise), given the
    /// forward pass's inputs and output and `∂L/∂output`. Adding (not overwriting) lets a tensor that feeds several
    /// layers collect the sum of their contributions. A layer's fused activation is not differentiated here: a
    /// gradient plan either splits it into a step of its own or masks `∂L/∂output` with it first (`Step.outputMask`).
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int)

    /// `forward`, also returning what this call's `backward` would otherwise compute again (nil: nothing worth
    /// keeping). A recurrent layer keeps its gates and states: without them its backward pass replays the forward
    /// pass. The trace belongs to the caller, who hands it to `backward(…, trace:)` once, for the same buffers.
    func forwardKeepingTrace(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) -> AnyObject?

    /// `backward` given the trace `forwardKeepingTrace` returned for the same call (nil: none kept).
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?)

    /// This kernel with `activation` applied to its output as it writes it (inference plans), sparing the
    /// activation's own step and pass over memory; nil (the default) when it cannot take one.
    func applying(_ activation: any ElementwiseActivation) -> (any Kernel)?
}

extension Kernel {
    func applying(_ activation: any ElementwiseActivation) -> (any Kernel)? { nil }

    func forwardKeepingTrace(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) -> AnyObject? {
        forward(inputs, output, batch: batch)
        return nil
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?) {
        backward(inputs, output, outputGradient, inputGradients, batch: batch)
    }
}

/// A kernel whose backward pass can store its contribution to its first input's gradient rather than add it, when
/// that buffer holds nothing yet: the gradient pass then skips zeroing it first, a pass over megabytes for each layer
/// of a backbone. Its other inputs' gradients are still added to, after the first is stored, so an input that is
/// also the first collects both.
protocol FirstInputGradientStoring: Kernel {
    /// Whether this layer's backward pass can store (it writes every value of the first input's gradient).
    var storesFirstInputGradient: Bool { get }

    /// `backward(…, trace:)`, with `inputGradients[0]` written rather than added to (it holds no values yet).
    func backwardStoringFirstInputGradient(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>,
                                           _ outputGradient: UnsafePointer<Float>,
                                           _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?)
}

/// A kernel whose backward pass works from the trace its forward pass keeps (recurrent layers): without a trace it
/// computes one again.
protocol TracingKernel: Kernel {}

extension TracingKernel {
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        backward(inputs, output, outputGradient, inputGradients, batch: batch, trace: nil)
    }
}

/// Per-sample shapes a kernel is built for.
struct KernelShapes {
    var inputs: [[Int]]
    var output: [Int]

    var input: [Int] { inputs[0] }
    var inputCount: Int { inputs[0].reduce(1, *) }
    var outputCount: Int { output.reduce(1, *) }
}

/// Builds the kernel for a node; this switch is the only place that maps ops to kernels. Without
/// `fuseActivation`, layers with a built-in activation compute only their linear part.
///
/// `forInference` marks inference plans: convolutions may use Winograd. Gradient plans run convolutions forward
/// through the direct and depthwise vector kernels too (not Winograd, whose transforms round more;
/// `Model.inputGradient` swaps it in), and backward through the vector kernels on the adjoint convolution. Dense
/// layers run forward on the direct kernel's 1×1 form in every plan, through weights packed once per model
/// (`densePacks`), and backward as dot products. Recurrent layers step through the same products in both plans;
/// only a gradient plan's also prepare the transposed weights of their backward pass.
func makeKernel(for node: Node, shapes: KernelShapes, fuseActivation: Bool = true,
                forInference: Bool = true, densePacks: DensePacks? = nil) throws(RuntimeError) -> (any Kernel)? {
    switch fuseActivation ? node.op : node.op.replacingFusedActivation(with: .linear) {
    case .input:
        return nil
    case .dense(let activation):
        return DenseKernel(node: node, shapes: shapes, activation: activation, packs: densePacks)
    case .convolution(let window, let activation):
        return ConvolutionKernel(kernel: node.weights["kernel"]!, bias: node.weights["bias"], window: window,
                                 activation: activation, shapes: shapes, isa: VectorISA.best, winograd: forInference,
                                 adjointISA: forInference ? nil : VectorISA.best)
    case .groupedConvolution(let window, let groups, let activation):
        return GroupedConvolutionKernel(kernel: node.weights["kernel"]!, bias: node.weights["bias"], window: window,
                                        groups: groups, activation: activation, shapes: shapes)
    case .transposedConvolution(let window, _, let activation):
        return TransposedConvolutionKernel(kernel: node.weights["kernel"]!, bias: node.weights["bias"], window: window,
                                           activation: activation, shapes: shapes)
    case .depthwiseConvolution(let window, let multiplier, let activation):
        return DepthwiseConvolutionKernel(kernel: node.weights["depthwise_kernel"]!, bias: node.weights["bias"],
                                          window: window, multiplier: multiplier, activation: activation, shapes: shapes,
                                          isa: VectorISA.best,
                                          adjointISA: forInference ? nil : VectorISA.best)
    case .separableConvolution(let window, let multiplier, let activation):
        return SeparableConvolutionKernel(node: node, window: window, multiplier: multiplier, activation: activation, shapes: shapes,
                                          isa: VectorISA.best,
                                          adjointISA: forInference ? nil : VectorISA.best)
    case .pool(let kind, let window):
        return PoolKernel(kind: kind, window: window, shapes: shapes)
    case .globalPool(.average, _) where node.inputs.count == 2:
        return MaskedAveragePoolKernel(shapes: shapes)
    case .globalPool(let kind, _):
        return GlobalPoolKernel(kind: kind, shapes: shapes)
    case .reduce(let kind, let axes, _):
        return ReduceKernel(kind: kind, axes: axes, shapes: shapes)
    case .flatten, .reshape, .identity:
        return CopyKernel(count: shapes.inputCount)
    case .permute(let order):
        return PermuteKernel(order: order, shapes: shapes)
    case .batchNormalization(let axis, let epsilon):
        return BatchNormalizationKernel(node: node, axis: axis, epsilon: epsilon, shapes: shapes)
    case .activation(let activation):
        return ActivationKernel(activation: activation, shape: shapes.input)
    case .prelu:
        return PReLUKernel(alpha: node.weights["alpha"]!, shapes: shapes)
    case .merge(let kind):
        return MergeKernel(kind: kind, shapes: shapes)
    case .linearCombination(let coefficients):
        return LinearCombinationKernel(coefficients: coefficients, count: shapes.inputCount)
    case .concatenate(let axis):
        return ConcatenateKernel(axis: axis, shapes: shapes)
    case .zeroPadding(let pads):
        return PaddingKernel(amounts: pads, cropping: false, shapes: shapes)
    case .cropping(let crops):
        return PaddingKernel(amounts: crops, cropping: true, shapes: shapes)
    case .upsampling(let size):
        return UpsamplingKernel(size: size, shapes: shapes)
    case .resize(let size, let interpolation):
        return ResizeKernel(size: size, interpolation: interpolation, shapes: shapes)
    case .rescaling(let scale, let offset):
        return RescalingKernel(scale: scale, offset: offset, shapes: shapes)
    case .normalization(let axes, let epsilon, let invert):
        return NormalizationKernel(node: node, axes: axes, epsilon: epsilon, invert: invert, shapes: shapes)
    case .layerNormalization(let axes, let epsilon, let rmsScaling):
        return LayerNormalizationKernel(node: node, axes: axes, epsilon: epsilon, rmsScaling: rmsScaling, shapes: shapes)
    case .groupNormalization(let groups, let epsilon):
        return GroupNormalizationKernel(node: node, groups: groups, epsilon: epsilon, shapes: shapes)
    case .unitNormalization(let axes, let epsilon):
        return UnitNormalizationKernel(axes: axes, epsilon: epsilon, shapes: shapes)
    case .slice(let begin, let end, let strides, _):
        return SliceKernel(begin: begin, end: end, strides: strides, shapes: shapes)
    case .recurrent(let recurrence) where recurrence.merge != nil:
        return BidirectionalKernel(node: node, recurrence: recurrence, shapes: shapes, differentiable: !forInference)
    case .recurrent(let recurrence) where recurrence.flipsSequence:
        return FlippedRecurrentKernel(node: node, recurrence: recurrence, shapes: shapes, differentiable: !forInference)
    case .recurrent(let recurrence):
        return RecurrentKernel(node: node, recurrence: recurrence, shapes: shapes, differentiable: !forInference)
    case .attention(let attention):
        return AttentionKernel(node: node, attention: attention, shapes: shapes)
    case .embedding:
        return EmbeddingKernel(node: node, shapes: shapes)
    case .sequenceMask(let value):
        return SequenceMaskKernel(value: value, shapes: shapes)
    }
}
