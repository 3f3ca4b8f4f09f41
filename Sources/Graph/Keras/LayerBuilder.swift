import KerasLensGraph

/// What a Keras layer becomes in the graph, and which weights it expects in Keras's storage order.
struct BuiltLayer: Sendable {
    var op: Op
    /// Canonical weight names in the order Keras stores them.
    var weightNames: [String] = []
    /// How many of the trailing `weightNames` a file may leave out (Normalization's `count`).
    var optionalTrailing: Int = 0
    /// Other names a Keras version stores a weight under, mapped to the canonical name.
    var aliases: [String: String] = [:]
    /// Weights that come from the configuration rather than the weights file.
    var constants: [String: Tensor] = [:]
    /// Configuration numbers the stored weights must repeat.
    var declared: [DeclaredShape] = []
    /// Weights stored in one shape and read in another holding the same values in the same order (a grouped
    /// convolution's kernel [k…, 1, C·m] as a depthwise kernel [k…, C, m]); a weight stored otherwise is refused.
    var reshaped: [String: (stored: [Int], shape: [Int])] = [:]
    /// Folders under the layer's folder of a `.keras` archive whose variables it reads, in order (a recurrent
    /// layer's `cell`); nil for the layer's folder itself.
    var archiveFolders: [String]? = nil
    /// Turns weights stored in another layout into Keras's (cuDNN's recurrent kernels), after they are matched.
    var convertStored: (@Sendable ([String: Tensor]) throws(GraphError) -> [String: Tensor])? = nil
    /// With no `weightNames`: the file must hold no weights for the layer either (an Attention saved with
    /// `use_scale` whose configuration was edited to drop it). Other weightless layers are not read at all.
    var refusesStoredWeights = false
    /// A Bidirectional the importer lowers into several nodes (merge_mode None, a backward_layer of its own).
    var bidirectional: BidirectionalHalves? = nil
}

/// Builds one layer from its configuration and its inputs' per-sample shapes.
typealias LayerBuilder = @Sendable (LayerConfig, _ inputShapes: [[Int]]) throws(GraphError) -> BuiltLayer

/// Keras class name → builder. A layer that maps onto existing ops is one row here; one that needs a new op follows
/// the checklist in `Graph/IR/Op+Catalogue.swift` (and README's "Adding a layer").
let layerBuilders: [String: LayerBuilder] = {
    var table: [String: LayerBuilder] = [
        "Dense": buildDense,
        "Conv1D": convolutionBuilder(rank: 1), "Convolution1D": convolutionBuilder(rank: 1),
        "Conv2D": convolutionBuilder(rank: 2), "Convolution2D": convolutionBuilder(rank: 2),
        "Conv1DTranspose": transposedConvolutionBuilder(rank: 1), "Convolution1DTranspose": transposedConvolutionBuilder(rank: 1),
        "Conv2DTranspose": transposedConvolutionBuilder(rank: 2), "Convolution2DTranspose": transposedConvolutionBuilder(rank: 2),
        "DepthwiseConv1D": depthwiseBuilder(rank: 1), "DepthwiseConv2D": depthwiseBuilder(rank: 2),
        "SeparableConv1D": separableBuilder(rank: 1), "SeparableConvolution1D": separableBuilder(rank: 1),
        "SeparableConv2D": separableBuilder(rank: 2), "SeparableConvolution2D": separableBuilder(rank: 2),
        "Flatten": buildFlatten, "Reshape": buildReshape, "Permute": buildPermute,
        "BatchNormalization": buildBatchNormalization, "Normalization": buildNormalization,
        "LayerNormalization": buildLayerNormalization, "LayerScale": buildLayerScale,
        "GroupNormalization": buildGroupNormalization, "UnitNormalization": buildUnitNormalization,
        "Rescaling": buildRescaling, "Resizing": buildResizing, "CenterCrop": buildCenterCrop,
        "Activation": buildActivation, "ReLU": buildReLU, "LeakyReLU": buildLeakyReLU, "PReLU": buildPReLU,
        "ELU": buildELU, "Softmax": buildSoftmax,
        "Concatenate": buildConcatenate,
        "CustomScaleLayer": buildCustomScale, "Custom>CustomScaleLayer": buildCustomScale,
        "LSTM": recurrentBuilder(.lstm), "GRU": recurrentBuilder(.gru), "SimpleRNN": recurrentBuilder(.simpleRNN),
        "CuDNNLSTM": cuDNNBuilder(.lstm), "CuDNNGRU": cuDNNBuilder(.gru),
        "Bidirectional": buildBidirectional,
        "Embedding": buildEmbedding, "Masking": buildMasking,
        "MultiHeadAttention": buildMultiHeadAttention,
        "Attention": dotAttentionBuilder(additive: false), "AdditiveAttention": dotAttentionBuilder(additive: true),
    ]
    for (name, kind) in [("MaxPooling", PoolKind.max), ("MaxPool", .max), ("AveragePooling", .average), ("AvgPool", .average)] {
        table["\(name)1D"] = poolBuilder(kind, rank: 1)
        table["\(name)2D"] = poolBuilder(kind, rank: 2)
    }
    for (name, kind) in [("GlobalMaxPooling", PoolKind.max), ("GlobalMaxPool", .max),
                         ("GlobalAveragePooling", .average), ("GlobalAvgPool", .average)] {
        table["\(name)1D"] = globalPoolBuilder(kind, rank: 1)
        table["\(name)2D"] = globalPoolBuilder(kind, rank: 2)
    }
    for rank in 1...2 {
        table["ZeroPadding\(rank)D"] = zeroPaddingBuilder(rank: rank)
        table["Cropping\(rank)D"] = croppingBuilder(rank: rank)
        table["UpSampling\(rank)D"] = upsamplingBuilder(rank: rank)
    }
    for name in ["Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout",
                 "AlphaDropout", "ActivityRegularization"] {
        table[name] = { _, _ in BuiltLayer(op: .identity) }
    }
    let merges: [(String, MergeKind)] = [("Add", .add), ("Subtract", .subtract), ("Multiply", .multiply),
                                         ("Average", .average), ("Maximum", .maximum), ("Minimum", .minimum)]
    for (name, kind) in merges {
        table[name] = { _, _ in BuiltLayer(op: .merge(kind)) }
    }
    return table
}()

/// Why well-known Keras layers that KerasLens does not run are refused.
let refusedLayers: [String: String] = {
    var reasons: [String: String] = [:]
    for name in ["RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "LSTMCell", "GRUCell", "SimpleRNNCell"] {
        reasons[name] = "\(name) layers are not supported (LSTM, GRU, SimpleRNN and Bidirectional are)"
    }
    reasons["Lambda"] = "Lambda layers hold Python code, which cannot run without Python"

    return reasons
}()
