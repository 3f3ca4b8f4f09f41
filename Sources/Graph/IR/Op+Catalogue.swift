/// The op catalogue: what each kind of op is, declared once. Every switch in this file is exhaustive, so a new `Op`
/// case does not compile until it says here whether it carries an activation and whether weight ablation may zero
/// its kernel; the runtime, the importer's checks and Ablation-CAM ask these properties instead of listing ops.
///
/// Adding an op, in the order the compiler asks for it: the case in `Op.swift`; its kind and traits here; its range
/// checks (`Op+Attributes.swift`) and output shape (`ShapeInference.swift`); its native record (`OpRecord+Op.swift`,
/// plus any new attribute field in `GraphRecord.swift`) and docs/FORMAT.md; its ONNX lowering (`ONNXExporter.swift`
/// and an `ONNX/ONNX<Op>.swift` helper); its kernel (`Runtime/Kernel.swift` and `Runtime/Ops/<Op>.swift`, forward
/// and backward); an example in each test that enumerates `OpKind.allCases`; then the Keras layer that makes it
/// (`Keras/LayerBuilder.swift`, `Keras/Layers/`), a zoo model in `Fixtures/generate.py`, and README's layer list.
public enum OpKind: String, CaseIterable, Sendable {
    // The raw values are the op type names of the native format (docs/FORMAT.md).
    case input, dense, convolution
    case groupedConvolution = "grouped_convolution"
    case transposedConvolution = "transposed_convolution"
    case depthwiseConvolution = "depthwise_convolution"
    case separableConvolution = "separable_convolution"
    case pool
    case globalPool = "global_pool"
    case reduce
    case flatten, reshape, permute, identity
    case batchNormalization = "batch_normalization"
    case activation, prelu, merge, concatenate
    case linearCombination = "linear_combination"
    case zeroPadding = "zero_padding"
    case cropping, upsampling, resize, rescaling, normalization
    case layerNormalization = "layer_normalization"
    case groupNormalization = "group_normalization"
    case unitNormalization = "unit_normalization"
    case slice, recurrent, embedding, attention
    case sequenceMask = "sequence_mask"

    /// Whether the op applies an activation after its linear part (Keras's `activation=` option). Plans fuse it
    /// into the kernel for inference and split it off for gradients.
    public var carriesActivation: Bool {
        switch self {
        case .dense, .convolution, .groupedConvolution, .transposedConvolution, .depthwiseConvolution, .separableConvolution:
            return true
        case .input, .pool, .globalPool, .reduce, .flatten, .reshape, .permute, .identity, .batchNormalization, .activation,
             .prelu, .merge, .linearCombination, .concatenate, .zeroPadding, .cropping, .upsampling, .resize, .rescaling,
             .normalization, .layerNormalization, .groupNormalization, .unitNormalization, .slice, .recurrent, .embedding, .sequenceMask, .attention:
            return false
        }
    }

    /// Whether the op has a kernel whose output channel k feeds only output channel k before the bias, so that
    /// zeroing it (weight ablation) leaves the bias, or zero, in that channel of the pre-activation.
    public var hasAblatableKernel: Bool {
        switch self {
        case .dense, .convolution, .groupedConvolution, .transposedConvolution, .depthwiseConvolution, .separableConvolution:
            return true
        case .input, .pool, .globalPool, .reduce, .flatten, .reshape, .permute, .identity, .batchNormalization, .activation,
             .prelu, .merge, .linearCombination, .concatenate, .zeroPadding, .cropping, .upsampling, .resize, .rescaling,
             .normalization, .layerNormalization, .groupNormalization, .unitNormalization, .slice, .recurrent, .embedding, .sequenceMask, .attention:
            return false
        }
    }

    /// Whether the op's output is its input's values, at most rearranged (identities, reshapes, permutations): a
    /// layer that reads such an op's output sees the values of the op before it (the CAM layer choice steps back).
    public var passesValuesOn: Bool {
        switch self {
        case .flatten, .reshape, .permute, .identity:
            return true
        case .input, .dense, .convolution, .groupedConvolution, .depthwiseConvolution, .separableConvolution,
             .transposedConvolution, .pool, .globalPool, .reduce, .batchNormalization, .activation, .prelu, .merge,
             .linearCombination, .concatenate, .zeroPadding, .cropping, .upsampling, .resize, .rescaling,
             .normalization, .layerNormalization, .groupNormalization, .unitNormalization, .slice, .recurrent, .embedding, .sequenceMask, .attention:
            return false
        }
    }
}

extension Op {
    /// The weight whose output channels a weight ablation zeroes: the kernel producing the layer's channels.
    public var ablatedKernelName: String {
        switch self {
        case .depthwiseConvolution:
            return "depthwise_kernel"
        case .separableConvolution:
            return "pointwise_kernel"
        case .dense, .convolution, .groupedConvolution, .transposedConvolution, .input, .pool, .globalPool, .reduce,
             .flatten, .reshape, .permute, .identity, .batchNormalization, .activation, .prelu, .merge,
             .linearCombination, .concatenate, .zeroPadding, .cropping, .upsampling, .resize, .rescaling,
             .normalization, .layerNormalization, .groupNormalization, .unitNormalization, .slice, .recurrent, .embedding, .sequenceMask, .attention:
            return "kernel"
        }
    }

    /// How many axes of that kernel follow its output-channel axis: 0, or 1 for a transposed convolution, whose
    /// kernel is [k…, out, in].
    public var ablatedKernelAxesAfterChannel: Int {
        switch self {
        case .transposedConvolution:
            return 1
        case .dense, .convolution, .groupedConvolution, .depthwiseConvolution, .separableConvolution, .input, .pool,
             .globalPool, .reduce, .flatten, .reshape, .permute, .identity, .batchNormalization, .activation, .prelu,
             .merge, .linearCombination, .concatenate, .zeroPadding, .cropping, .upsampling, .resize, .rescaling,
             .normalization, .layerNormalization, .groupNormalization, .unitNormalization, .slice, .recurrent, .embedding, .sequenceMask, .attention:
            return 0
        }
    }
}

extension Op {
    public var kind: OpKind {
        switch self {
        case .input: return .input
        case .dense: return .dense
        case .convolution: return .convolution
        case .groupedConvolution: return .groupedConvolution
        case .transposedConvolution: return .transposedConvolution
        case .depthwiseConvolution: return .depthwiseConvolution
        case .separableConvolution: return .separableConvolution
        case .pool: return .pool
        case .globalPool: return .globalPool
        case .reduce: return .reduce
        case .flatten: return .flatten
        case .reshape: return .reshape
        case .permute: return .permute
        case .identity: return .identity
        case .batchNormalization: return .batchNormalization
        case .activation: return .activation
        case .prelu: return .prelu
        case .merge: return .merge
        case .linearCombination: return .linearCombination
        case .concatenate: return .concatenate
        case .zeroPadding: return .zeroPadding
        case .cropping: return .cropping
        case .upsampling: return .upsampling
        case .resize: return .resize
        case .rescaling: return .rescaling
        case .normalization: return .normalization
        case .layerNormalization: return .layerNormalization
        case .groupNormalization: return .groupNormalization
        case .unitNormalization: return .unitNormalization
        case .slice: return .slice
        case .recurrent: return .recurrent
        case .embedding: return .embedding
        case .sequenceMask: return .sequenceMask
        case .attention: return .attention
        }
    }

    /// The activation applied after the linear part (`.linear` when there is none to apply), for the ops whose kind
    /// `carriesActivation`; nil for the others.
    public var fusedActivation: Activation? {
        switch self {
        case .dense(let activation), .convolution(_, let activation), .groupedConvolution(_, _, let activation),
             .transposedConvolution(_, _, let activation), .depthwiseConvolution(_, _, let activation), .separableConvolution(_, _, let activation):
            return activation
        case .input, .pool, .globalPool, .reduce, .flatten, .reshape, .permute, .identity, .batchNormalization, .activation,
             .prelu, .merge, .linearCombination, .concatenate, .zeroPadding, .cropping, .upsampling, .resize, .rescaling,
             .normalization, .layerNormalization, .groupNormalization, .unitNormalization, .slice, .recurrent, .embedding, .sequenceMask, .attention:
            return nil
        }
    }

    /// The op with its fused activation replaced (ops without one are returned as they are).
    public func replacingFusedActivation(with activation: Activation) -> Op {
        switch self {
        case .dense:
            return .dense(activation: activation)
        case .convolution(let window, _):
            return .convolution(window: window, activation: activation)
        case .groupedConvolution(let window, let groups, _):
            return .groupedConvolution(window: window, groups: groups, activation: activation)
        case .transposedConvolution(let window, let outputPadding, _):
            return .transposedConvolution(window: window, outputPadding: outputPadding, activation: activation)
        case .depthwiseConvolution(let window, let multiplier, _):
            return .depthwiseConvolution(window: window, multiplier: multiplier, activation: activation)
        case .separableConvolution(let window, let multiplier, _):
            return .separableConvolution(window: window, multiplier: multiplier, activation: activation)
        case .input, .pool, .globalPool, .reduce, .flatten, .reshape, .permute, .identity, .batchNormalization, .activation,
             .prelu, .merge, .linearCombination, .concatenate, .zeroPadding, .cropping, .upsampling, .resize, .rescaling,
             .normalization, .layerNormalization, .groupNormalization, .unitNormalization, .slice, .recurrent, .embedding, .sequenceMask, .attention:
            return self
        }
    }
}
