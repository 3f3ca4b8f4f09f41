/// How a convolution or pooling window treats the border. `same` pads like TensorFlow: the total padding is split
/// with the extra row or column at the end.
public enum Padding: String, Sendable, Equatable, Hashable {
    case valid, same
}

public enum PoolKind: String, Sendable, Equatable, Hashable {
    case max, average
}

/// How `resize` reads between input positions, as TensorFlow's `tf.image.resize` (half-pixel centres, no
/// antialiasing) computes it.
public enum Interpolation: String, Sendable, Equatable, Hashable {
    case bilinear, nearest
}

/// What `reduce` computes over its axes.
public enum ReduceKind: String, Sendable, Equatable, Hashable {
    case mean, sum, max, min
}

public enum MergeKind: String, Sendable, Equatable, Hashable {
    case add, subtract, multiply, average, maximum, minimum
    /// The first input divided by the second (tf-keras's `x / y` on two tensors; Keras has no Divide layer).
    case divide
}

/// Window geometry shared by convolutions and pooling; one entry per spatial axis (1 for 1-D, 2 for 2-D).
public struct Window: Sendable, Equatable, Hashable {
    public var size: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    public var padding: Padding

    public init(size: [Int], strides: [Int], dilations: [Int], padding: Padding) {
        self.size = size
        self.strides = strides
        self.dilations = dilations
        self.padding = padding
    }

    public var rank: Int { size.count }
}

/// What a node computes. Axes count over the batched tensor: axis 0 is the batch, the last axis the channels.
/// Weights live on the node under their Keras names (`kernel`, `bias`, `gamma`, …), in Keras's layouts.
public enum Op: Sendable, Equatable {
    /// A model input; the node's output shape is the declared per-sample shape.
    case input
    /// `y = activation(x · kernel + bias)` over the last axis. Weights: `kernel` [in, out], optional `bias` [out].
    case dense(activation: Activation)
    /// Weights: `kernel` [k…, in, out], optional `bias` [out].
    case convolution(window: Window, activation: Activation)
    /// A convolution whose input and output channels are split into `groups` equal groups, output group g reading
    /// only input group g (Keras's `groups` option, RegNet). Weights: `kernel` [k…, in / groups, out], optional
    /// `bias` [out].
    case groupedConvolution(window: Window, groups: Int, activation: Activation)
    /// Keras's Conv1DTranspose / Conv2DTranspose, the adjoint of a convolution from the output back to the input:
    /// input position i adds `kernel[k] · x[i]` to output position `i·stride + k·dilation − padBefore`. Per axis the
    /// output has `(n − 1)·stride + extent + outputPadding` positions, less `2·⌊extent/2⌋` with `same` padding
    /// (`extent` the dilated window); `padBefore` is half (rounded down) of what the full result overhangs the
    /// output with `same`, zero with `valid` (`Window.transposedOutputSpatial`, `transposedPadBefore`). Weights:
    /// `kernel` [k…, out, in] — filters before input channels, unlike a convolution's — optional `bias` [out].
    case transposedConvolution(window: Window, outputPadding: [Int], activation: Activation)
    /// Weights: `depthwise_kernel` [k…, in, multiplier], optional `bias` [in·multiplier].
    case depthwiseConvolution(window: Window, multiplier: Int, activation: Activation)
    /// Depthwise then 1×1 pointwise. Weights: `depthwise_kernel`, `pointwise_kernel` [1…, in·multiplier, out],
    /// optional `bias` [out].
    case separableConvolution(window: Window, multiplier: Int, activation: Activation)
    /// Average pooling counts only the positions inside the input (padding is excluded).
    case pool(kind: PoolKind, window: Window)
    case globalPool(kind: PoolKind, keepDims: Bool)
    /// Mean, sum, maximum or minimum per sample over `axes` (sorted, never the batch axis), as TensorFlow's
    /// `reduce_*`: the reduced axes dropped, or kept with size 1 with `keepDims`.
    case reduce(kind: ReduceKind, axes: [Int], keepDims: Bool)
    /// Collapses every axis after the batch, in channels-last (row-major) order.
    case flatten
    /// Per-sample target shape, fully resolved.
    case reshape(shape: [Int])
    /// A permutation of the batched tensor's axes; always starts with 0.
    case permute(order: [Int])
    /// Dropout and noise layers: nothing happens at inference.
    case identity
    /// `gamma · (x − moving_mean) / sqrt(moving_variance + epsilon) + beta` along `axis`; gamma and beta optional.
    case batchNormalization(axis: Int, epsilon: Float)
    case activation(Activation)
    /// `max(0, x) − alpha · max(0, −x)`. Weight: `alpha`, shaped like the per-sample input with the shared axes
    /// reduced to 1.
    case prelu
    /// Element-wise over two or more inputs that broadcast NumPy's way (per-sample shapes aligned at the end,
    /// size-1 axes stretched), as Keras's merge layers do.
    case merge(MergeKind)
    /// `Σ coefficients[i] · inputs[i]` over inputs of one shape (InceptionResNetV2's `CustomScaleLayer`,
    /// `x + scale · residual`).
    case linearCombination(coefficients: [Float])
    case concatenate(axis: Int)
    /// Zero padding per spatial axis as (before, after).
    case zeroPadding(pads: [[Int]])
    /// Cropping per spatial axis as (before, after).
    case cropping(crops: [[Int]])
    /// Nearest-neighbour upsampling: each position repeated `size[i]` times along spatial axis i.
    case upsampling(size: [Int])
    /// Resampling of the two spatial axes to `size` (height, width) as `tf.image.resize`: source coordinate
    /// `(i + 0.5) · in / out − 0.5` (bilinear, clamped to the edges) or `floor((i + 0.5) · in / out)` (nearest).
    case resize(size: [Int], interpolation: Interpolation)
    /// `x · scale + offset`; each is a scalar or one value per channel.
    case rescaling(scale: [Float], offset: [Float])
    /// `(x − mean) / max(sqrt(variance), epsilon)`, or with `invert` `x · sqrt(variance) + mean`. Weights `mean`
    /// and `variance` are shaped like the kept `axes` of the batched tensor (every other axis is broadcast).
    case normalization(axes: [Int], epsilon: Float, invert: Bool)
    /// Per sample, over the positions spanned by `axes` (sorted, never the batch axis):
    /// `gamma · (x − mean) / sqrt(variance + epsilon) + beta`, or with `rmsScaling` (Keras 3's deprecated option,
    /// which keeps its variance) `gamma · x / sqrt(variance + epsilon)`. Optional weights `gamma`, `beta` are shaped
    /// like the input's sizes along `axes` and broadcast over the other axes.
    case layerNormalization(axes: [Int], epsilon: Float, rmsScaling: Bool)
    /// Keras's GroupNormalization over the channels: per sample and per group of `channels / groups` consecutive
    /// channels (all positions), `(x − mean) / sqrt(variance + epsilon)`, then optional weights `gamma`, `beta`
    /// (one value per channel).
    case groupNormalization(groups: Int, epsilon: Float)
    /// Keras's UnitNormalization: `x / max(sqrt(Σ x²), epsilon)`, the sum per sample over `axes` (sorted, never the
    /// batch axis). Keras 3 takes epsilon 1e-12; tf-keras's `l2_normalize` clamps Σ x² at 1e-12, i.e. epsilon 1e-6.
    case unitNormalization(axes: [Int], epsilon: Float)
    /// `x[begin ..< end : stride]` along each per-sample axis (axis 0 of the arrays is the first axis after the
    /// batch), bounds resolved and strides positive, read out as `shape`: the sliced sizes with axes of size 1
    /// dropped or added, as TensorFlow's strided slice does for an integer index or `tf.newaxis` (same elements,
    /// same order).
    case slice(begin: [Int], end: [Int], strides: [Int], shape: [Int])
    /// An LSTM, GRU or SimpleRNN over a [time, features] input (`Recurrence.swift`). An optional second input, a
    /// [time, 1] 0/1 mask (`sequenceMask`), makes masked steps keep the state, as Keras's masks do.
    case recurrent(Recurrence)
    /// Keras's Embedding: each integer id of the input (any shape) becomes its row of `embeddings`
    /// [vocabulary, width]; output shape = input shape + [width]. Ids are float32 holding integers, checked in
    /// 0 ..< vocabulary before a run (not differentiable: their gradient is zero).
    case embedding
    /// A Keras mask, [time, 1] per sample: 1 at step t when some value of the input at t (all axes after the first)
    /// differs from `value`, else 0. Embedding's `mask_zero` (value 0 on the ids) and Masking (`mask_value` on the
    /// features) make it; layers that honour masks take it as an extra input. Not differentiable.
    case sequenceMask(value: Float)
    /// Keras's MultiHeadAttention, Attention or AdditiveAttention over [time, features] inputs `[query, value]` or
    /// `[query, value, key]` (`Attention.swift`).
    case attention(Attention)
}
