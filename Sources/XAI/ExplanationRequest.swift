import KerasLensGraph
import KerasLensRuntime

/// One batch to explain: the model, the inputs and the options, with the shape facts every method needs.
struct ExplanationRequest: Sendable {
    let model: Model
    /// Batch-first inputs with the model's per-sample shape.
    let inputs: Tensor
    let options: ExplanationOptions
    let geometry: SpatialGeometry
    /// The Embedding reading the input when it holds token ids (`TokenGradients.swift`); nil for other inputs.
    var tokens: TokenInput? = nil

    var count: Int { inputs.shape[0] }

    /// What a perturbation puts where it removes an input value: zero, or the baseline token for token ids.
    var removedValue: Float { tokens == nil ? 0 : Float(options.baselineToken) }

    /// `x ⊙ m` position by position (every channel), into `output`. Token ids cannot be scaled: a token is kept where
    /// `m ≥ 0.5` and replaced by the baseline token elsewhere.
    func masked(_ sample: ArraySlice<Float>, with mask: some Collection<Float>, into output: UnsafeMutableBufferPointer<Float>) {
        guard tokens != nil else {
            MapMath.mask(sample, with: mask, channels: geometry.channels, into: output)
            return
        }
        for (offset, (value, m)) in zip(sample, mask).enumerated() { output[offset] = m >= 0.5 ? value : removedValue }
    }

    /// Sample `index` of the batch, row-major.
    func sample(_ index: Int) -> ArraySlice<Float> {
        inputs.scalars[(index * geometry.count)..<((index + 1) * geometry.count)]
    }

    /// The random draws of sample `index` of this batch, the same however the whole set was split into batches.
    func generator(forSample index: Int) -> SeededGenerator {
        SeededGenerator.forSample(options.firstSample + index, seed: options.seed)
    }

    /// The classes and scores of the unchanged inputs, with `layers`' outputs.
    func forward(capture layers: [String] = []) throws -> Gradients {
        try model.scores([inputs], classes: options.classes, target: options.target, capture: layers)
    }

    /// The gradients of the class scores with respect to `layers`.
    func gradients(withRespectTo layers: [String]) throws -> Gradients {
        try model.gradients([inputs], classes: options.classes, target: options.target, withRespectTo: layers)
    }

    /// The layer a CAM method reads — `name`, or when nil the one `CAMLayerChoice` picks — checked to have the
    /// input's spatial rank.
    func spatialLayer(_ name: String?) throws -> LayerGeometry {
        guard let name = name ?? CAMLayerChoice.pick(in: model.graph) else {
            throw ExplainError("no layer of the model keeps the input's spatial axes, so this method has no layer to read")
        }
        guard let node = model.graph.node(named: name) else {
            throw ExplainError("layer '\(name)': the model has no such layer; its layers are \(model.graph.nodes.map(\.name).joined(separator: ", "))")
        }
        let shape = node.outputShape
        guard shape.count == geometry.spatial.count + 1, shape.count >= 2 else {
            throw ExplainError("layer '\(name)' (\(node.kerasClass)) has output shape \(shape), with no \(geometry.spatial.count)-D spatial axes like the input's; pick a convolution or pooling layer")
        }
        return LayerGeometry(name: name, spatial: Array(shape.dropLast()), channels: shape.last!)
    }
}

/// A tensor's per-sample layout split into spatial axes and channels (a rank-1 input has one channel).
struct SpatialGeometry: Sendable, Equatable {
    var spatial: [Int]
    var channels: Int

    init(sampleShape shape: [Int]) {
        if shape.count <= 1 {
            spatial = shape
            channels = 1
        } else {
            spatial = Array(shape.dropLast())
            channels = shape.last!
        }
    }

    /// Spatial positions per sample.
    var positions: Int { spatial.reduce(1, *) }
    /// Scalars per sample.
    var count: Int { positions * channels }
}

/// A layer's name and per-sample layout.
struct LayerGeometry: Sendable {
    var name: String
    var spatial: [Int]
    var channels: Int
    var positions: Int { spatial.reduce(1, *) }
    var count: Int { positions * channels }
}
