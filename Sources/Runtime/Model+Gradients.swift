import Dispatch
import KerasLensGraph

/// Which number a gradient is taken of, per sample.
public enum ScoreTarget: String, Sendable, CaseIterable {
    /// The model's output as the model defines it (for a softmax classifier, the class probability).
    case probability
    /// The final layer's pre-activation (the logit), before its built-in or separate activation.
    case logit
}

/// A forward pass and the backward pass of one class score per sample.
public struct Gradients: Sendable {
    /// The model's (first) output for each sample.
    public var outputs: Tensor
    /// The class whose score was differentiated, per sample.
    public var classes: [Int]
    /// That score per sample.
    public var scores: [Float]
    /// The forward outputs of the requested layers.
    public var activations: [String: Tensor]
    /// `∂score/∂(layer output)` for each requested layer (an input's name gives the gradient for that input).
    public var gradients: [String: Tensor]
}

extension Gradients {
    /// The results of consecutive runs of samples, as one.
    init(joining parts: [Gradients]) {
        func join(_ key: KeyPath<Gradients, [String: Tensor]>) -> [String: Tensor] {
            parts[0][keyPath: key].keys.reduce(into: [:]) { result, name in
                result[name] = Tensor(joiningSamples: parts.map { $0[keyPath: key][name]! })
            }
        }
        self.init(outputs: Tensor(joiningSamples: parts.map(\.outputs)), classes: parts.flatMap(\.classes),
                  scores: parts.flatMap(\.scores), activations: join(\.activations), gradients: join(\.gradients))
    }
}

extension Model {
    /// Differentiates each sample's score for `classes` (default: the predicted class) with respect to the outputs
    /// of `layers`. Only the layers between the score and the requested layers are kept and walked back.
    /// Large batches run in passes (`inPasses`).
    public func gradients(_ inputs: [Tensor], classes: [Int]? = nil, target: ScoreTarget = .probability,
                          withRespectTo layers: [String]) throws(RuntimeError) -> Gradients {
        if let specialized = try specialized(forInputs: inputs) {
            return try specialized.gradients(inputs, classes: classes, target: target, withRespectTo: layers)
        }
        let (batch, batched) = try checkInputs(inputs)
        if let classes, classes.count != batch {
            throw RuntimeError(.inputShape, "expected \(batch) class indices, got \(classes.count)")
        }
        let schedule = try gradientSchedule(layers: layers, target: target)
        let pass = schedule.passSize(limit: batch)
        return try inPasses(of: batch, pass: pass, join: Gradients.init(joining:)) { range throws(RuntimeError) in
            try gradientPass(batched, samples: range, classes: classes.map { Array($0[range]) }, schedule: schedule,
                             withRespectTo: layers)
        }
    }

    /// Differentiates each sample's score with respect to the output of `layer` when `values` (batch-first, the
    /// layer's per-sample shape) stand in for that output: the layers after it see `values`, the others compute
    /// from `inputs` as usual (a mask made from token ids still comes from the ids). Integrated gradients at an
    /// Embedding's output walk such substituted values from a baseline to the real embedding.
    public func gradients(_ inputs: [Tensor], substituting layer: String, with values: Tensor, classes: [Int]? = nil,
                          target: ScoreTarget = .probability) throws(RuntimeError) -> Gradients {
        if let specialized = try specialized(forInputs: inputs) {
            return try specialized.gradients(inputs, substituting: layer, with: values, classes: classes, target: target)
        }
        let (batch, batched) = try checkInputs(inputs)
        if let classes, classes.count != batch {
            throw RuntimeError(.inputShape, "expected \(batch) class indices, got \(classes.count)")
        }
        let schedule = try gradientSchedule(layers: [layer], target: target)
        let substitute = try values.batched(schedule.plan.steps[schedule.requested[0]].shape, name: layer)
        guard substitute.shape[0] == batch else {
            throw RuntimeError(.inputShape, layer: layer, "the substituted tensor has \(substitute.shape[0]) samples, the inputs \(batch)")
        }
        let pass = schedule.passSize(limit: batch)
        return try inPasses(of: batch, pass: pass, join: Gradients.init(joining:)) { range throws(RuntimeError) in
            try gradientPass(batched, samples: range, classes: classes.map { Array($0[range]) }, schedule: schedule,
                             withRespectTo: [layer], substitute: substitute)
        }
    }

    /// With `substitute`, it stands in for the output of the single layer in `layers`; `clocks`, if given, time
    /// each step.
    func gradientPass(_ batched: [Tensor], samples range: Range<Int>, classes: [Int]?, schedule: GradientSchedule,
                      withRespectTo layers: [String], substitute: Tensor? = nil,
                      clocks: GradientClocks? = nil) throws(RuntimeError) -> Gradients {
        let plan = schedule.plan
        let batch = range.count
        let requested = schedule.requested, output = schedule.output, score = schedule.score, region = schedule.region
        let width = plan.steps[score].count

        let pool = pools.take()
        defer { pools.give(pool) }
        let replaced = substitute.map { (step: requested[0], buffer: pool.filled(with: $0, samples: range)) }
        var traces: [Int: AnyObject] = [:]
        let buffers = try gradientForward(batched, samples: range, schedule: schedule, replacing: replaced, pool: pool,
                                          traces: &traces, clocks: clocks)
        defer { for buffer in buffers.values { pool.give(buffer) } }
        let outputs = plan.tensor(buffers[output]!, step: output, batch: batch)
        let chosen = classes ?? argmaxRows(outputs)
        guard chosen.count == batch, chosen.allSatisfy({ $0 >= 0 && $0 < width }) else {
            throw RuntimeError(.inputShape, "expected \(batch) class indices below \(width), got \(chosen)")
        }
        let scoreValues = (0..<batch).map { buffers[score]!.pointer[$0 * width + chosen[$0]] }

        var gradients: [Int: Plan.Buffer] = [:]
        /// Step `index`'s gradient buffer, zeroed when first taken unless its first writer stores rather than adds.
        func gradient(_ index: Int, zeroed: Bool = true) -> Plan.Buffer {
            if let existing = gradients[index] { return existing }
            let buffer = pool.take(batch * plan.steps[index].count), start = buffer.pointer
            // Zeroed over the cores: a 224² ResNet50's gradient buffers hold over 100 MB per image.
            if zeroed {
                Parallel.forEachRange(batch * plan.steps[index].count) { range in
                    (start + range.lowerBound).update(repeating: 0, count: range.count)
                }
            }
            gradients[index] = buffer
            return buffer
        }
        let seed = gradient(score)
        for sample in 0..<batch { seed.pointer[sample * width + chosen[sample]] = 1 }
        let lowest = requested.min() ?? score
        for index in stride(from: score, through: lowest, by: -1) where region.contains(index) && index != lowest {
            guard var outputGradient = gradients[index], let kernel = plan.steps[index].kernel else { continue }
            let step = plan.steps[index]
            let start = clocks == nil ? 0 : DispatchTime.now().uptimeNanoseconds
            // A fused activation's derivative, in place unless the caller asked for this gradient.
            var masked: Plan.Buffer?
            if let activation = step.outputMask {
                if requested.contains(index) {
                    masked = pool.take(batch * step.count)
                    masked!.pointer.update(from: outputGradient.pointer, count: batch * step.count)
                    outputGradient = masked!
                }
                activation.maskGradient(outputGradient.pointer, output: buffers[index]!.pointer, count: batch * step.count)
            }
            // A first input whose gradient nothing has written yet, of a layer that can store there: no zeroing.
            let storing = (kernel as? any FirstInputGradientStoring).flatMap { layer in
                layer.storesFirstInputGradient && region.contains(step.inputs[0]) && gradients[step.inputs[0]] == nil ? layer : nil
            }
            let targets = step.inputs.enumerated().map { position, input in
                region.contains(input) ? gradient(input, zeroed: storing == nil || position > 0).pointer : nil
            }
            let inputs = step.inputs.map { UnsafePointer(buffers[$0]!.pointer) }
            if let storing {
                storing.backwardStoringFirstInputGradient(inputs, buffers[index]!.pointer, outputGradient.pointer, targets,
                                                          batch: batch, trace: traces.removeValue(forKey: index))
            } else {
                kernel.backward(inputs, buffers[index]!.pointer, outputGradient.pointer, targets, batch: batch,
                                trace: traces.removeValue(forKey: index))
            }
            if let masked { pool.give(masked) }
            clocks?.backward.add(DispatchTime.now().uptimeNanoseconds - start, to: index)
        }
        var activations: [String: Tensor] = [:], results: [String: Tensor] = [:]
        for (name, index) in zip(layers, requested) {
            activations[name] = plan.tensor(buffers[index]!, step: index, batch: batch)
            results[name] = gradients[index].map { plan.tensor($0, step: index, batch: batch) }
                ?? Tensor(zeros: [batch] + plan.steps[index].shape)
        }
        for buffer in gradients.values { pool.give(buffer) }
        return Gradients(outputs: outputs, classes: chosen, scores: scoreValues, activations: activations, gradients: results)
    }

    /// The name of the step whose value is the score: the output itself, or for logits the linear part before the
    /// final activation (a built-in one, or a separate Activation/Softmax layer). `predict(layer:)` and
    /// `forward(from:capture:)` accept it.
    public func scoreLayer(_ target: ScoreTarget) -> String {
        let output = outputNames[0]
        guard target == .logit else { return output }
        // The differentiable plan splits every applied activation off into a step of its own.
        if graph.node(named: output)?.op.appliedActivation != nil { return output + Plan.preactivationSuffix }
        if case .activation = graph.node(named: output)?.op, let input = graph.node(named: output)?.inputs.first { return input }
        return output
    }
}

extension Model {
    /// The forward pass alone: each sample's score for `classes` (default: the predicted class) and the requested
    /// layers' outputs, as `gradients` would report them, without the backward pass.
    public func scores(_ inputs: [Tensor], classes: [Int]? = nil, target: ScoreTarget = .probability,
                       capture layers: [String] = []) throws(RuntimeError) -> Gradients {
        if let specialized = try specialized(forInputs: inputs) {
            return try specialized.scores(inputs, classes: classes, target: target, capture: layers)
        }
        let score = scoreLayer(target)
        let result = try run(inputs, capture: layers + [score], plan: try plan(naming: layers + [score]))
        let outputs = result.outputs[0], values = result.layers[score]!
        let width = values.count / max(outputs.shape[0], 1)
        let chosen = classes ?? argmaxRows(outputs)
        guard chosen.count == outputs.shape[0], chosen.allSatisfy({ $0 >= 0 && $0 < width }) else {
            throw RuntimeError(.inputShape, "expected \(outputs.shape[0]) class indices below \(width), got \(chosen)")
        }
        var activations = result.layers
        if !layers.contains(score) { activations[score] = nil }
        return Gradients(outputs: outputs, classes: chosen, scores: chosen.enumerated().map { values.scalars[$0 * width + $1] },
                         activations: activations, gradients: [:])
    }
}

/// The index of the largest value in each row of a batch-first tensor (ties go to the first).
func argmaxRows(_ tensor: Tensor) -> [Int] {
    let width = tensor.shape.dropFirst().reduce(1, *)
    guard width > 0 else { return [] }
    return (0..<tensor.shape[0]).map { row in
        var best = 0
        for i in 1..<width where tensor.scalars[row * width + i] > tensor.scalars[row * width + best] { best = i }
        return best
    }
}
