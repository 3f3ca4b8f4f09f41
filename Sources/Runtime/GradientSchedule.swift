import Foundation
import KerasLensGraph

/// What a gradient call for some layers and score target runs, worked out once per model and reused: explainers
/// call `gradients` thousands of times with the same layers, and for a small model the set arithmetic would cost
/// as much as the arithmetic on the numbers.
///
/// The forward pass is split between the two plans. The steps the backward pass walks (the region), and whatever
/// their backward reads that only the differentiable plan has (a split pre-activation), run in the differentiable
/// plan; everything below them comes from the inference plan, whose fused kernels (direct or Winograd convolution,
/// bias and ReLU in registers) are faster. Grad-CAM on a deep layer thus costs about one inference pass plus a
/// short backward walk; saliency and integrated gradients walk back to the input, so for them everything runs in
/// the differentiable plan (its Winograd-forward form, `Model.inputGradient`).
struct GradientSchedule: Sendable {
    /// The gradient plan the backward pass walks: the folded one when it has every layer the call names, in its
    /// Winograd-forward form (`Model.inputGradient`) when those are model inputs alone.
    let plan: Plan
    /// Differentiable-plan indices of the requested layers, the first output and the score.
    let requested: [Int], output: Int, score: Int
    /// Steps between the requested layers and the score, walked back.
    let region: Set<Int>
    /// Steps whose backward pass runs (the region but its lowest requested step): their forward passes keep traces.
    let walked: Set<Int>
    /// Steps whose forward values the backward pass or the caller reads.
    let keep: Set<Int>
    /// Inference-plan steps whose outputs stand in for differentiable steps: inference index → differentiable index.
    let sources: [Int: Int]
    let inferenceSkip: Set<Int>, differentiableSkip: Set<Int>
    /// Floats a sample holds in a pass at once: its kept activations and the region's gradients.
    let floatsPerSample: Int
    /// The largest activation, in floats a sample, of the steps each plan runs (0: the inference plan runs none).
    let largestInference: Int, largestGradient: Int
    /// Floats of weights the gradient plan's steps read a pass, and of activations they write a sample.
    let gradientWeights: Int, gradientActivations: Int

    init(inference: Plan, differentiable plan: Plan, requested: [Int], output: Int, score: Int) {
        self.plan = plan
        self.requested = requested
        self.output = output
        self.score = score
        var region = Set<Int>()
        for layer in requested { region.formUnion(plan.downstream(of: layer)) }
        region.formIntersection(plan.upstream(of: [score], given: []))
        self.region = region
        walked = region.subtracting([requested.min() ?? score])
        keep = region.union(region.flatMap { plan.steps[$0].inputs }).union(requested).union([output, score])

        // Input steps (no kernel) are always loaded, through the inference plan.
        var supplied = region.filter { plan.steps[$0].kernel == nil }
        var computed = region.subtracting(supplied)
        var pending = Array(keep.subtracting(region))
        for step in computed { pending += plan.steps[step].inputs }
        while let step = pending.popLast() {
            guard !computed.contains(step), !supplied.contains(step) else { continue }
            if inference.position[plan.steps[step].name] != nil {
                supplied.insert(step)
            } else {
                computed.insert(step)
                pending += plan.steps[step].inputs
            }
        }
        sources = Dictionary(uniqueKeysWithValues: supplied.map { (inference.position[plan.steps[$0].name]!, $0) })
        let inferenceRuns = inference.upstream(of: Set(sources.keys), given: []), runs = computed.union(supplied)
        inferenceSkip = Set(inference.steps.indices).subtracting(inferenceRuns)
        differentiableSkip = Set(plan.steps.indices).subtracting(runs)
        floatsPerSample = keep.reduce(0) { $0 + plan.steps[$1].count } + region.reduce(0) { $0 + plan.steps[$1].count }
        largestInference = inferenceRuns.map { inference.steps[$0].count }.max() ?? 0
        largestGradient = runs.map { plan.steps[$0].count }.max() ?? 1
        gradientWeights = runs.reduce(0) { $0 + plan.steps[$1].weights }
        gradientActivations = runs.reduce(0) { $0 + plan.steps[$1].count }
    }
}

/// A model's gradient schedules by layers and target (a few per explainer; bounded all the same).
final class GradientScheduleCache: @unchecked Sendable {
    struct Key: Hashable {
        var layers: [String]
        var target: ScoreTarget
    }

    private let lock = NSLock()
    private var schedules: [Key: GradientSchedule] = [:]

    func schedule(_ key: Key, make: () throws(RuntimeError) -> GradientSchedule) throws(RuntimeError) -> GradientSchedule {
        if let known = lock.withLock({ schedules[key] }) { return known }
        let made = try make()
        lock.withLock {
            if schedules.count >= 64 { schedules.removeAll() }
            schedules[key] = made
        }
        return made
    }
}

extension Model {
    func gradientSchedule(layers: [String], target: ScoreTarget) throws(RuntimeError) -> GradientSchedule {
        try schedules.schedule(.init(layers: layers, target: target)) { () throws(RuntimeError) in
            let folded = try foldedDifferentiable
            let named = layers + [outputNames[0], scoreLayer(target)]
            let plan = !named.allSatisfy { folded.position[$0] != nil } ? try differentiable
                : !layers.isEmpty && layers.allSatisfy(inputNames.contains) ? try inputGradient : folded
            let requested = try layers.map { name throws(RuntimeError) in try step(named: name, in: plan) }
            return GradientSchedule(inference: inference, differentiable: plan, requested: requested,
                                    output: plan.position[outputNames[0]]!, score: plan.position[scoreLayer(target)]!)
        }
    }

    /// The inference plan's part of a gradient pass for samples `range`: its buffers of the schedule's `sources`. A
    /// gradient pass holds as many samples as the gradient plan's steps allow, which for a CAM on a deep layer is
    /// many more than the inference plan's first layers do (VGG16: 40 against one), so that the classifier's weights
    /// (411 MB in VGG16's `fc1`) are read once a pass rather than once an image; this part then runs in passes of its
    /// own size, its outputs joined.
    private func inferencePart(_ inputs: [Tensor], samples range: Range<Int>, schedule: GradientSchedule, pool: BufferPool,
                               clock: StepClock?) -> [Int: Plan.Buffer] {
        let keep = Set(schedule.sources.keys), size = schedule.inferencePassSize(limit: range.count)
        func run(_ part: Range<Int>) -> [Int: Plan.Buffer] {
            inference.execute(batch: part.count, given: load(inputs, samples: part, plan: inference, pool: pool), keep: keep,
                              skip: schedule.inferenceSkip, pool: pool, clock: clock)
        }
        guard !keep.isEmpty, size < range.count else { return run(range) }
        let joined = Dictionary(uniqueKeysWithValues: keep.map { ($0, pool.take(range.count * inference.steps[$0].count)) })
        for first in stride(from: range.lowerBound, to: range.upperBound, by: size) {
            let part = first..<min(first + size, range.upperBound)
            for (step, buffer) in run(part) {
                let count = inference.steps[step].count
                (joined[step]!.pointer + (first - range.lowerBound) * count).update(from: buffer.pointer, count: part.count * count)
                pool.give(buffer)
            }
        }
        return joined
    }

    /// The forward pass of `schedule` for samples `range`; returns its gradient plan's buffers of its `keep`.
    /// `replacing` fills a requested step with given values instead of computing it (its buffer is taken over).
    func gradientForward(_ inputs: [Tensor], samples range: Range<Int>, schedule: GradientSchedule,
                         replacing: (step: Int, buffer: Plan.Buffer)? = nil, pool: BufferPool,
                         traces: inout [Int: AnyObject], clocks: GradientClocks? = nil) throws(RuntimeError) -> [Int: Plan.Buffer] {
        let early = inferencePart(inputs, samples: range, schedule: schedule, pool: pool, clock: clocks?.inference)
        var given = Dictionary(uniqueKeysWithValues: early.map { (schedule.sources[$0.key]!, $0.value) })
        if let replacing {
            if let computed = given.updateValue(replacing.buffer, forKey: replacing.step) { pool.give(computed) }
        }
        return schedule.plan.execute(batch: range.count, given: given, keep: schedule.keep, skip: schedule.differentiableSkip,
                                      pool: pool, tracing: schedule.walked, traces: &traces, clock: clocks?.forward)
    }
}
