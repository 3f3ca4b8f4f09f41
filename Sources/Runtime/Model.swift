import KerasLensGraph

/// A graph made ready to run. Three plans, each built once: one that fuses each layer's activation into its kernel
/// (inference, built with the model), one that keeps activations as steps of their own (gradients, logits, weight
/// ablation) and one that keeps them too but folds batch normalizations into the layer before (gradients whose
/// layers it has: a saliency map's backward pass then skips every normalization). The last two are built on first
/// use, so that a model only run forward never prepares the backward pass's weights.
///
/// A `Model` is immutable and can be used from several threads at once; each call owns its buffers. A graph with open
/// input dimensions gets no plans of its own: each call runs on the model specialised to its inputs' shapes
/// (`Model+OpenDimensions.swift`).
public final class Model: Sendable {
    public let graph: Graph
    let inference: Plan
    let differentiablePlan: LazyPlan
    let foldedDifferentiablePlan: LazyPlan
    let inputGradientPlan: LazyPlan
    let inputNames: [String]
    /// The model's outputs, in order (the graph's `outputs`).
    public let outputNames: [String]
    let pools = PoolCache()
    let schedules = GradientScheduleCache()
    /// The inputs Embedding layers read as ids, checked before every run.
    public let tokenInputs: [TokenInput]
    /// For a graph with open input dimensions (whose plans are empty): the model at each input shape met
    /// (`Model+OpenDimensions.swift`); nil otherwise.
    let specializations: SpecializationCache?
    /// Per-sample shapes of the model's inputs, in order; `openDimension` (-1) where an input's size is open.
    public let inputShapes: [[Int]]
    /// Per-sample shapes of the model's outputs, in order; `openDimension` (-1) where it follows an open input size.
    public let outputShapes: [[Int]]

    public init(_ graph: Graph) throws(RuntimeError) {
        _ = BLAS.configured
        self.graph = graph
        for name in graph.inputs + graph.outputs where graph.node(named: name) == nil {
            throw RuntimeError(.unknownLayer, layer: name, "the graph lists it as an input or output but has no such node")
        }
        let open = graph.hasOpenDimensions
        let planned = open ? Graph(nodes: [], inputs: [], outputs: [], source: graph.source) : graph
        let densePacks = DensePacks()
        inference = try Plan(graph: planned, fused: true, densePacks: densePacks)
        differentiablePlan = LazyPlan(graph: planned, fused: false, densePacks: densePacks)
        foldedDifferentiablePlan = LazyPlan(graph: planned, fused: false, folded: true, densePacks: densePacks)
        inputGradientPlan = LazyPlan(from: foldedDifferentiablePlan) { $0.withWinogradForward() }
        specializations = open ? SpecializationCache() : nil
        inputNames = graph.inputs
        outputNames = graph.outputs
        tokenInputs = try graph.tokenInputs()
        inputShapes = graph.inputs.map { graph.node(named: $0)!.outputShape }
        outputShapes = graph.outputs.map { graph.node(named: $0)!.outputShape }
    }

    /// The plan that keeps every layer, activations split off, built on first use.
    var differentiable: Plan {
        get throws(RuntimeError) {
            try differentiablePlan.plan()
        }
    }

    /// The differentiable plan with batch normalizations folded, built on first use.
    var foldedDifferentiable: Plan {
        get throws(RuntimeError) {
            try foldedDifferentiablePlan.plan()
        }
    }

    /// The folded differentiable plan with its 3×3 convolutions run forward through Winograd (sharing every other
    /// kernel), for gradients with respect to the inputs alone: saliency, SmoothGrad and integrated gradients walk
    /// back through every layer, so the forward pass is half their work. Their maps move with rounding anyway (their
    /// parity bound is TensorFlow's own sensitivity to it) and stay within it; a CAM's walk from a layer keeps the
    /// direct kernel, whose rounding its 1e-4 bound needs (Winograd moved HMT's Layer-CAM at `conv2d_3` by 1.3e-2).
    var inputGradient: Plan {
        get throws(RuntimeError) {
            try inputGradientPlan.plan()
        }
    }

    /// The outputs of one pass: the model's outputs and any layers asked for, each batch-first.
    public struct Outputs: Sendable {
        public var outputs: [Tensor]
        public var layers: [String: Tensor]
    }

    /// Runs one pass over a whole batch. Each input is batch-first with the model's per-sample shape, or a single
    /// sample without the batch axis.
    public func run(_ inputs: [Tensor], capture layers: [String] = []) throws(RuntimeError) -> Outputs {
        if let specialized = try specialized(forInputs: inputs) { return try specialized.run(inputs, capture: layers) }
        return try run(inputs, capture: layers, plan: try plan(naming: layers))
    }

    /// Large batches run in passes (`Plan.executeInPasses`).
    func run(_ inputs: [Tensor], capture layers: [String], plan: Plan) throws(RuntimeError) -> Outputs {
        let (batch, batched) = try checkInputs(inputs)
        let captured = try layers.map { name throws(RuntimeError) in try step(named: name, in: plan) }
        let outputs = outputNames.map { plan.position[$0]! }
        let pool = pools.take()
        defer { pools.give(pool) }
        let parts = plan.executeInPasses(total: batch, limit: batch, given: inputSteps(in: plan),
                                         load: { load(batched, samples: $0, plan: plan, pool: pool) },
                                         keep: Set(captured + outputs), pool: pool) { range, buffers in
            Outputs(buffers, of: plan, batch: range.count, outputs: outputs, captured: zip(layers, captured))
        }
        return Outputs(joining: parts)
    }

    /// Runs the model over a large set in passes of at most `batchSize` samples (fewer when the activations of
    /// that many would not stay near the cache; see `Plan.passSegments`), returning the first output, or the output of
    /// `layer` when given (including `<layer>/preactivation` names), for every sample.
    public func predict(_ inputs: [Tensor], layer: String? = nil, batchSize: Int = 64) throws(RuntimeError) -> Tensor {
        try predict(inputs, layers: [layer ?? outputNames[0]], batchSize: batchSize)[0]
    }

    /// `predict` for several layers (a model's several outputs) at once: one pass computes them all.
    public func predict(_ inputs: [Tensor], layers: [String], batchSize: Int = 64) throws(RuntimeError) -> [Tensor] {
        if let specialized = try specialized(forInputs: inputs) {
            return try specialized.predict(inputs, layers: layers, batchSize: batchSize)
        }
        let (total, batched) = try checkInputs(inputs)
        let plan = try plan(naming: layers)
        let targets = try layers.map { name throws(RuntimeError) in try step(named: name, in: plan) }
        var results = targets.map { [Float](repeating: 0, count: total * plan.steps[$0].count) }
        let pool = pools.take()
        defer { pools.give(pool) }
        _ = plan.executeInPasses(total: total, limit: batchSize, given: inputSteps(in: plan),
                                 load: { load(batched, samples: $0, plan: plan, pool: pool) },
                                 keep: Set(targets), pool: pool) { range, buffers in
            for (index, target) in targets.enumerated() {
                let sampleCount = plan.steps[target].count
                results[index].withUnsafeMutableBufferPointer { result in
                    (result.baseAddress! + range.lowerBound * sampleCount).update(from: buffers[target]!.pointer,
                                                                                 count: range.count * sampleCount)
                }
            }
        }
        return zip(targets, results).map { Tensor(shape: [total] + plan.steps[$0].shape, scalars: $1) }
    }

    /// Convenience for single-input models.
    public func predict(_ input: Tensor, layer: String? = nil, batchSize: Int = 64) throws(RuntimeError) -> Tensor {
        try predict([input], layer: layer, batchSize: batchSize)
    }

    func step(named layer: String, in plan: Plan) throws(RuntimeError) -> Int {
        guard let index = plan.position[layer] else { throw unknownLayer(layer) }
        return index
    }

    func nodeIndex(named layer: String) throws(RuntimeError) -> Int {
        guard let index = graph.index(of: layer) else { throw unknownLayer(layer) }
        return index
    }

    private func unknownLayer(_ layer: String) -> RuntimeError {
        let names = graph.nodes.map(\.name).joined(separator: ", ")
        return RuntimeError(.unknownLayer, layer: layer, "the model has no such layer; its layers are \(names)")
    }

    /// Copies samples `range` (all by default) of batch-first input tensors into pooled buffers for the plan's
    /// input steps.
    func load(_ inputs: [Tensor], samples range: Range<Int>? = nil, plan: Plan, pool: BufferPool) -> [Int: Plan.Buffer] {
        var given: [Int: Plan.Buffer] = [:]
        for (tensor, name) in zip(inputs, inputNames) {
            given[plan.position[name]!] = pool.filled(with: tensor, samples: range)
        }
        return given
    }

    /// The plan's steps for the model's inputs.
    func inputSteps(in plan: Plan) -> Set<Int> { Set(inputNames.map { plan.position[$0]! }) }

    /// Checks input count and shapes; adds the batch axis to single samples.
    func checkInputs(_ inputs: [Tensor]) throws(RuntimeError) -> (Int, [Tensor]) {
        guard inputs.count == inputNames.count else {
            throw RuntimeError(.inputShape, "the model takes \(inputNames.count) inputs, got \(inputs.count)")
        }
        var batch: Int?
        var batched: [Tensor] = []
        for (tensor, shape) in zip(inputs, inputShapes) {
            let name = inputNames[batched.count]
            let tensor = try tensor.batched(shape, name: name)
            guard batch == nil || batch == tensor.shape[0] else {
                throw RuntimeError(.inputShape, layer: name, "inputs have different batch sizes")
            }
            batch = tensor.shape[0]
            batched.append(tensor)
        }
        try checkTokenIds(batched)
        return (batch ?? 0, batched)
    }
}

extension Tensor {
    /// The tensor as a batch of samples of `shape`: a single sample gains a batch axis; anything else is refused.
    func batched(_ shape: [Int], name: String) throws(RuntimeError) -> Tensor {
        var tensor = self
        if tensor.shape == shape { tensor.shape = [1] + shape }
        guard tensor.rank == shape.count + 1, Array(tensor.shape.dropFirst()) == shape else {
            throw RuntimeError(.inputShape, layer: name,
                               "input has shape \(self.shape), the model takes (N, \(shape.map(String.init).joined(separator: ", ")))")
        }
        guard tensor.shape[0] > 0 else { throw RuntimeError(.inputShape, layer: name, "input holds no samples") }
        return tensor
    }
}

extension Plan {
    /// A batch-first tensor copied out of a step's buffer.
    func tensor(_ buffer: Buffer, step index: Int, batch: Int) -> Tensor {
        Tensor(shape: [batch] + steps[index].shape,
               scalars: Array(UnsafeBufferPointer(start: buffer.pointer, count: batch * steps[index].count)))
    }
}

extension Model.Outputs {
    /// The outputs at steps `outputs` and the named `captured` steps, copied out of a pass's buffers.
    init(_ buffers: [Int: Plan.Buffer], of plan: Plan, batch: Int, outputs: [Int],
         captured: some Sequence<(String, Int)>) {
        self.outputs = outputs.map { plan.tensor(buffers[$0]!, step: $0, batch: batch) }
        layers = Dictionary(captured.map { name, index in (name, plan.tensor(buffers[index]!, step: index, batch: batch)) },
                            uniquingKeysWith: { first, _ in first })
    }
}

extension BufferPool {
    /// A pooled buffer holding a copy of samples `range` (all by default) of a batch-first tensor.
    func filled(with tensor: Tensor, samples range: Range<Int>? = nil) -> Plan.Buffer {
        let size = tensor.shape.dropFirst().reduce(1, *)
        let range = range ?? 0..<(tensor.shape.first ?? 0)
        let buffer = take(range.count * size)
        tensor.scalars.withUnsafeBufferPointer {
            buffer.pointer.update(from: $0.baseAddress! + range.lowerBound * size, count: range.count * size)
        }
        return buffer
    }
}
