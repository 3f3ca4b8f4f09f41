/// What distinguishes one CAM method from another: how a layer's activations (and gradients) become a map over the
/// layer's positions. Everything else — the pass, ReLU, upsampling, scaling — is `CAMExplainer`'s.
protocol CAMWeighting: Sendable {
    /// Whether `map` reads `∂y/∂A`; without it the pipeline runs the forward pass alone.
    var needsGradients: Bool { get }
    /// The map over the layer's positions, before the ReLU.
    func map(_ layer: LayerSample) throws -> [Float]
    /// Refuses a layer the method cannot read, before any model pass.
    func check(_ layer: LayerGeometry, in request: ExplanationRequest) throws
}

extension CAMWeighting {
    func check(_ layer: LayerGeometry, in request: ExplanationRequest) throws {}
}

/// One sample's view of the layer a CAM method reads.
struct LayerSample: Sendable {
    let request: ExplanationRequest
    let layer: LayerGeometry
    /// Sample index within the request.
    let index: Int
    let classIndex: Int
    /// `y`, the class score on the unchanged input.
    let score: Float
    /// `A`, position-major (positions × channels).
    let activations: ArraySlice<Float>
    /// `∂y/∂A`, when the method asked for it.
    let gradients: ArraySlice<Float>?

    var channels: Int { layer.channels }
    var positions: Int { layer.positions }

    /// `M_p = Σ_k w_k A_pk`.
    func weighted(by weights: [Float]) -> [Float] { MapMath.weightedSum(activations, weights: weights) }

    /// Gradients averaged over positions, per channel (Grad-CAM's weights).
    var meanGradients: [Float] {
        MapMath.channelSums(gradients!, channels: channels).map { $0 / Float(positions) }
    }
}
