import Dispatch
import KerasLensGraph

/// An ordered list of steps, each one kernel reading earlier steps' outputs, plus for every step the last step that
/// reads it so dead buffers go back to the pool at once.
///
/// Inference plans fuse each layer's activation into its kernel, and fold batch normalizations (and the activation
/// after them) into the layer before (`inferenceNodes`). Gradient plans split it into a step of its own,
/// named `<layer>/preactivation` for the linear part, so backward passes see both tensors and the logit of the final
/// layer has a name. Inference plans split it too when a kernel cannot apply it (a softmax not over the channels),
/// and for the model's first output when its own layer has a built-in activation, so that a logit score
/// (`Model.scoreLayer`) is a step of the inference plan and the many forward passes of Score-CAM, RISE, occlusion or
/// Ablation-CAM on logits run through its kernels.
struct Plan: Sendable {
    struct Step: Sendable {
        var name: String
        var kernel: (any Kernel)?
        var inputs: [Int]
        /// Per-sample output shape.
        var shape: [Int]
        /// In a folded gradient plan, the activation fused into the kernel, whose derivative the backward pass
        /// applies to the output gradient (`Activation.maskGradient`) before the kernel's, which is its linear part's.
        var outputMask: Activation? = nil
        /// Floats of weights the kernel reads each pass: its layer's parameters and those of the layers fused into it.
        var weights = 0
        var count: Int { shape.reduce(1, *) }
    }

    typealias Buffer = (pointer: UnsafeMutablePointer<Float>, capacity: Int)

    static let preactivationSuffix = "/preactivation"

    private(set) var steps: [Step]
    let lastReader: [Int]
    let position: [String: Int]

    /// `fused`: an inference plan. `folded` (gradient plans only): batch normalizations and paddings folded into
    /// the layer before, residual Adds into the convolution before them, and ReLU-like activations into their layer
    /// (`inferenceNodes(of:forGradients:)`); other activations still split off.
    /// `densePacks`: the model's packed dense kernels, which its plans share.
    init(graph: Graph, fused: Bool, folded: Bool = false, densePacks: DensePacks? = nil) throws(RuntimeError) {
        var steps: [Step] = []
        var position: [String: Int] = [:]
        var preparedKernels = SharedKernels(densePacks: densePacks)
        let nodes = fused ? inferenceNodes(of: graph) : folded ? inferenceNodes(of: graph, forGradients: true) : graph.nodes
        let readers = readerCounts(of: nodes, outputs: graph.outputs)
        let ops = Dictionary(nodes.map { ($0.name, $0.op) }, uniquingKeysWith: { _, last in last })
        for node in nodes {
            // An activation that is the only reader of the step just before may become part of that step.
            if case .activation(let activation) = node.op, node.inputs.count == 1, let source = position[node.inputs[0]],
               source == steps.count - 1, readers[node.inputs[0]] == 1,
               let merged = Self.absorbing(activation, named: node.name, into: steps[source], op: ops[node.inputs[0]],
                                           fused: fused, folded: folded) {
                position[steps[source].name] = nil
                steps[source] = merged
                position[node.name] = source
                continue
            }
            var sources: [Int] = []
            for name in node.inputs {
                guard let source = position[name] else {
                    throw RuntimeError(.unsupported, layer: node.name, "input '\(name)' is not computed before this layer")
                }
                sources.append(source)
            }
            // A distributed node's kernel is built for one application and runs over the batch times its count.
            let shapes = KernelShapes(inputs: sources.map { Array(steps[$0].shape.dropFirst(node.distributedAxes)) },
                                      output: node.innerOutputShape)
            let logit = node.name == graph.outputs.first && graph.node(named: node.name)?.op.appliedActivation != nil
            let split = node.op.appliedActivation.flatMap { activation -> Activation? in
                if logit { return activation }
                if fused { return activation.fuses(rank: node.innerOutputShape.count) ? nil : activation }
                return folded && activation.outputMaskTop != nil ? nil : activation
            }
            let kernel = try preparedKernels.kernel(for: node, shapes: shapes, fuseActivation: split == nil, forInference: fused)
                .map { distributed($0, count: node.distributedCount) }
            let weights = node.parameterCount
            if let split {
                position[node.name + Self.preactivationSuffix] = steps.count
                steps.append(Step(name: node.name + Self.preactivationSuffix, kernel: kernel, inputs: sources, shape: node.outputShape,
                                  weights: weights))
                let activation = distributed(ActivationKernel(activation: split, shape: node.innerOutputShape), count: node.distributedCount)
                steps.append(Step(name: node.name, kernel: activation, inputs: [steps.count - 1], shape: node.outputShape))
            } else if fused, sources.first == steps.count - 1, readers[node.inputs[0]] == 1,
                      var merged = Self.fusing(kernel, named: node.name, inputs: sources, after: steps[steps.count - 1],
                                               shape: node.outputShape) {
                position[steps[steps.count - 1].name] = nil
                merged.weights = steps[steps.count - 1].weights + weights
                steps[steps.count - 1] = merged
            } else {
                steps.append(Step(name: node.name, kernel: kernel, inputs: sources, shape: node.outputShape,
                                  outputMask: fused ? nil : node.op.appliedActivation, weights: weights))
            }
            position[node.name] = steps.count - 1
        }
        if fused {
            (steps, position) = Self.gatheringConcatenations(steps, position: position,
                                                             outputs: Set(graph.outputs.compactMap { position[$0] }))
        }
        var lastReader = Array(steps.indices)
        for (index, step) in steps.enumerated() {
            for source in step.inputs { lastReader[source] = max(lastReader[source], index) }
        }
        self.steps = steps
        self.lastReader = lastReader
        self.position = position
    }

    /// This gradient plan with its convolutions run forward through Winograd where that pays
    /// (`ConvolutionKernel.withWinogradForward`), every other kernel and array shared: the plan of gradients with
    /// respect to the inputs (`Model.inputGradient`).
    func withWinogradForward() -> Plan {
        var plan = self
        for index in steps.indices {
            if let layer = (steps[index].kernel as? ConvolutionKernel)?.withWinogradForward() { plan.steps[index].kernel = layer }
        }
        return plan
    }

    /// `step` with `activation`, the only reader of its output, applied by its kernel, named as the activation; nil
    /// when the activation stays a step of its own. An inference plan takes any element-wise activation into a
    /// kernel that applies it as it writes (`Kernel.applying`: a standalone batch normalization's); a folded gradient
    /// plan takes a rectifier in place after a layer whose backward pass never reads its output (`RectifiedKernel`).
    private static func absorbing(_ activation: Activation, named name: String, into step: Step, op: Op?, fused: Bool,
                                  folded: Bool) -> Step? {
        guard let layer = step.kernel, step.outputMask == nil else { return nil }
        let kernel: any Kernel
        if fused, case .elementwise(let function) = activation.implementation, let applying = layer.applying(function) {
            kernel = applying
        } else if folded, activation.outputMaskTop != nil, op?.takesRectifierInPlace == true {
            kernel = RectifiedKernel(layer: layer, activation: activation, count: step.count)
        } else {
            return nil
        }
        return Step(name: name, kernel: kernel, inputs: step.inputs, shape: step.shape, outputMask: folded ? activation : nil,
                    weights: step.weights)
    }

    /// A depthwise layer that is the only reader of the 1×1 convolution just before takes it in, and a 1×1
    /// convolution that is the only reader of such a pair takes the pair in (`ExpandedDepthwiseKernel`), or of a
    /// squeeze-and-excitation's scaling (`GatedProjectionKernel`), or of a standalone batch normalization
    /// (`NormalizedProjectionKernel`); nil for any other layer.
    private static func fusing(_ kernel: (any Kernel)?, named name: String, inputs: [Int], after previous: Step,
                               shape: [Int]) -> Step? {
        if inputs.count == 1, previous.inputs.count == 1,
           let expanded = ExpandedDepthwiseKernel(expand: previous.kernel, depthwise: kernel) {
            return Step(name: name, kernel: expanded, inputs: previous.inputs, shape: shape)
        }
        if let pair = previous.kernel as? ExpandedDepthwiseKernel, let projected = pair.projecting(kernel) {
            return Step(name: name, kernel: projected, inputs: previous.inputs + inputs.dropFirst(), shape: shape)
        }
        if let gated = GatedProjectionKernel(gate: previous.kernel, projection: kernel) {
            return Step(name: name, kernel: gated, inputs: previous.inputs + inputs.dropFirst(), shape: shape)
        }
        if previous.inputs.count == 1, let normalized = NormalizedProjectionKernel(normalization: previous.kernel, projection: kernel) {
            return Step(name: name, kernel: normalized, inputs: previous.inputs + inputs.dropFirst(), shape: shape)
        }
        return nil
    }

    /// Runs steps in order over a batch. `given` holds buffers already filled (inputs, or a substituted layer);
    /// steps in `skip` are not run (their outputs are not needed). Returns the buffers of `keep`; the rest go back
    /// to the pool. `clock`, if given, adds each step's kernel time to its current run.
    func execute(batch: Int, given: [Int: Buffer], keep: Set<Int>, skip: Set<Int> = [], pool: BufferPool,
                 clock: StepClock? = nil) -> [Int: Buffer] {
        var traces: [Int: AnyObject] = [:]
        return execute(batch: batch, given: given, keep: keep, skip: skip, pool: pool, tracing: [], traces: &traces, clock: clock)
    }

    /// `execute`, the steps in `tracing` keeping their traces for their backward pass (`Kernel.forwardKeepingTrace`)
    /// in `traces`.
    func execute(batch: Int, given: [Int: Buffer], keep: Set<Int>, skip: Set<Int> = [], pool: BufferPool, tracing: Set<Int>,
                 traces: inout [Int: AnyObject], clock: StepClock? = nil) -> [Int: Buffer] {
        var buffers: [Buffer?] = Array(repeating: nil, count: steps.count)
        for (index, buffer) in given { buffers[index] = buffer }
        for (index, step) in steps.enumerated() {
            guard buffers[index] == nil, !skip.contains(index), let kernel = step.kernel else { continue }
            let output = pool.take(batch * step.count)
            let inputs = step.inputs.map { UnsafePointer(buffers[$0]!.pointer) }
            let start = clock == nil ? 0 : DispatchTime.now().uptimeNanoseconds
            if tracing.contains(index) {
                traces[index] = kernel.forwardKeepingTrace(inputs, output.pointer, batch: batch)
            } else {
                kernel.forward(inputs, output.pointer, batch: batch)
            }
            clock?.add(DispatchTime.now().uptimeNanoseconds - start, to: index)
            buffers[index] = output
            for source in step.inputs where lastReader[source] == index && !keep.contains(source) {
                if let buffer = buffers[source] { pool.give(buffer) }
                buffers[source] = nil
            }
        }
        var kept: [Int: Buffer] = [:]
        for (index, buffer) in buffers.enumerated() {
            guard let buffer else { continue }
            if keep.contains(index) { kept[index] = buffer } else { pool.give(buffer) }
        }
        return kept
    }

    /// Steps whose output depends on step `root` (including it).
    func downstream(of root: Int) -> Set<Int> {
        var result: Set<Int> = [root]
        for (index, step) in steps.enumerated() where index > root && step.inputs.contains(where: result.contains) {
            result.insert(index)
        }
        return result
    }
}

extension Activation {
    /// Whether a kernel can apply it after its linear part: kernels work row by row over the channels (axis `rank`
    /// of an output with `rank` per-sample axes), so a softmax over any other axis needs a step of its own.
    func fuses(rank: Int) -> Bool {
        guard let axis else { return true }
        return axis == rank || axis == -1
    }
}

extension Op {
    /// The fused activation when there is one to apply (not the identity): the step a gradient plan splits off.
    var appliedActivation: Activation? {
        fusedActivation.flatMap { $0 == .linear ? nil : $0 }
    }
}

/// Kernels of a shared layer's calls: a later call whose weights, op and shapes are those of an earlier call of the
/// same layer uses that call's kernel, so packed weights are prepared and held once.
private struct SharedKernels {
    let densePacks: DensePacks?
    private var made: [String: [(node: Node, shapes: KernelShapes, fuses: Bool, kernel: (any Kernel)?)]] = [:]

    init(densePacks: DensePacks?) {
        self.densePacks = densePacks
    }

    mutating func kernel(for node: Node, shapes: KernelShapes, fuseActivation: Bool, forInference: Bool) throws(RuntimeError) -> (any Kernel)? {
        guard !node.weights.isEmpty else {
            return try makeKernel(for: node, shapes: shapes, fuseActivation: fuseActivation, forInference: forInference,
                                  densePacks: densePacks)
        }
        let layer = node.weightsFrom ?? node.name
        if let earlier = made[layer]?.first(where: { $0.fuses == fuseActivation && $0.shapes.inputs == shapes.inputs
                                                      && $0.shapes.output == shapes.output && $0.node.op == node.op
                                                      && Self.sameStorage($0.node.weights, node.weights) }) {
            return earlier.kernel
        }
        let kernel = try makeKernel(for: node, shapes: shapes, fuseActivation: fuseActivation, forInference: forInference,
                                    densePacks: densePacks)
        made[layer, default: []].append((node, shapes, fuseActivation, kernel))
        return kernel
    }

    /// The same arrays, not merely equal values: folding a batch normalization into one call makes new ones.
    private static func sameStorage(_ a: [String: Tensor], _ b: [String: Tensor]) -> Bool {
        a.count == b.count && a.allSatisfy { name, tensor in
            guard let other = b[name], other.shape == tensor.shape else { return false }
            return sharesStorage(tensor.scalars, other.scalars)
        }
    }
}

/// Whether two arrays are one storage (a copy of the other not yet written to), not merely equal values: how plans
/// recognise weights they have prepared already. Both arrays are alive while compared, so one address is one array.
func sharesStorage(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count
        && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
}
