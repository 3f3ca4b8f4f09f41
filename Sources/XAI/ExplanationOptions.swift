import KerasLensGraph
import KerasLensRuntime

/// Everything a method may be told besides the model and the inputs. Defaults are docs/METHODS.md's; an option a
/// method does not use is ignored.
public struct ExplanationOptions: Sendable {
    /// The layer a CAM method reads (`conv1d_2`, `max_pooling2d_1`); nil reads the one `CAMLayerChoice` picks.
    public var layer: String?
    /// The layers SISE samples, shallow to deep; nil picks the pooling layers and the last spatial layer.
    public var layers: [String]?
    /// The class explained per sample; nil explains each sample's predicted class.
    public var classes: [Int]?
    public var target: ScoreTarget = .probability
    public var upsampling: Upsampling = .spline
    /// Samples per model call when a method scores many perturbed copies of an input.
    public var batchSize = 64
    /// Seeds the random draws of SmoothGrad, RISE and LIME.
    public var seed: UInt64 = 0
    /// The position of the first input in the whole set, for a caller that explains a set in pieces: SmoothGrad's
    /// and LIME's draws are keyed by a sample's position, so the pieces get the draws of one call.
    public var firstSample = 0

    public enum Ablation: String, Sendable, CaseIterable { case activation, weights }
    public var ablation: Ablation = .activation
    /// With `weights` ablation, zero the channel's bias as well as its kernel.
    public var zeroBias = false

    // SmoothGrad
    public var noiseLevel: Float = 0.15
    public var noiseSamples = 50
    /// Noise to add instead of drawing it, shaped (n, …input shape); the same for every sample.
    public var noise: Tensor?

    // Score-CAM
    /// Mask with only this many channels, those whose activations vary most over the positions (tf-keras-vis's
    /// `max_N`, Faster Score-CAM); nil masks with every channel (the exact method).
    public var maxChannels: Int?

    // Integrated gradients
    public var steps = 50

    // Occlusion: per spatial axis; nil picks 4 and 1 for 1-D inputs, 32 and 16 for 2-D.
    public var window: Int?
    public var stride: Int?

    // RISE
    /// Masks to draw; nil picks 2000 for 1-D inputs and 4000 for 2-D.
    public var maskCount: Int?
    public var grid = 8
    public var maskProbability: Float = 0.5
    /// Masks to use instead of drawing them, shaped (N, …input spatial shape).
    public var masks: Tensor?

    // LIME
    public var segmentSize = 4
    /// Segment labels to use instead of contiguous runs (1-D) or quickshift (2-D), shaped like the input's spatial axes.
    public var segments: Tensor?
    public var perturbationCount = 300
    /// The on/off matrix (perturbations × segments) to use instead of drawing it.
    public var perturbations: Tensor?
    public var kernelWidth: Double = 0.25
    public var topFeatures = 4

    // Token inputs (a model whose input an Embedding reads)
    /// The id that stands for a removed token: occlusion, LIME, RISE, Score-CAM and SISE put it where they would put
    /// zeros, and integrated gradients start from its embedding.
    public var baselineToken = 0

    public init() {}
}
