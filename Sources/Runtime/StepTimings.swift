import Dispatch
import KerasLensGraph

/// One step of a model's plan and the median time its kernel took (`Model.stepTimings`,
/// `Model.gradientStepTimings`).
public struct StepTiming: Sendable {
    /// The layer the step computes (a step with folded layers takes the last one's name).
    public let name: String
    /// The kernel that ran it (`ConvolutionKernel`, …).
    public let kernel: String
    /// Its forward pass.
    public let seconds: Double
    /// Its backward pass, with the activation mask and the zeroing of the gradients it adds to; nil for inference,
    /// and for a gradient pass's steps below the walked region.
    public let backwardSeconds: Double?
}

/// Each step's kernel time, one total per run (a run may execute the plan in several passes). Used by one thread
/// at a time: the plan runs its steps in order.
final class StepClock {
    private(set) var runs: [[UInt64]] = []
    /// The steps timed at least once.
    private(set) var ran = Set<Int>()
    private let steps: Int

    init(steps: Int) { self.steps = steps }

    func startRun() { runs.append([UInt64](repeating: 0, count: steps)) }

    func add(_ nanoseconds: UInt64, to step: Int) {
        runs[runs.count - 1][step] += nanoseconds
        ran.insert(step)
    }

    /// Step `step`'s median over the runs, in seconds.
    func median(_ step: Int) -> Double {
        let times = runs.map { $0[step] }.sorted()
        return times.isEmpty ? 0 : Double(times[times.count / 2]) / 1e9
    }

    /// `median` of the steps in `plan` that ran, in plan order, with the `backward` clock's medians where it has them.
    func timings(of plan: Plan, backward: StepClock? = nil) -> [StepTiming] {
        plan.steps.indices.compactMap { index in
            guard ran.contains(index), let kernel = plan.steps[index].kernel else { return nil }
            return StepTiming(name: plan.steps[index].name, kernel: String(describing: type(of: kernel)),
                              seconds: median(index), backwardSeconds: backward.flatMap { $0.ran.contains(index) ? $0.median(index) : nil })
        }
    }
}

/// The clocks of a timed gradient pass: the inference plan's steps below the walked region, and the gradient plan's
/// steps forward and backward.
final class GradientClocks {
    let inference: StepClock, forward: StepClock, backward: StepClock

    init(inference: Plan, gradient: Plan) {
        self.inference = StepClock(steps: inference.steps.count)
        forward = StepClock(steps: gradient.steps.count)
        backward = StepClock(steps: gradient.steps.count)
    }

    func startRun() {
        for clock in [inference, forward, backward] { clock.startRun() }
    }
}

extension Model {
    /// Where an inference of `inputs` spends its time, step by step: each step's median over `repeats` runs (after
    /// `warmup` seconds of untimed runs), in plan order, for the steps that ran. What `keraslens bench --steps`
    /// prints; the way to find which layers a change should target.
    public func stepTimings(_ inputs: [Tensor], repeats: Int, warmup: Double = 0.25,
                            batchSize: Int = 64) throws(RuntimeError) -> [StepTiming] {
        if let specialized = try specialized(forInputs: inputs) {
            return try specialized.stepTimings(inputs, repeats: repeats, warmup: warmup, batchSize: batchSize)
        }
        let (total, batched) = try checkInputs(inputs)
        let plan = inference
        let outputs = try Set(outputNames.map { name throws(RuntimeError) in try step(named: name, in: plan) })
        let pool = pools.take()
        defer { pools.give(pool) }
        func run(_ clock: StepClock?) {
            clock?.startRun()
            _ = plan.executeInPasses(total: total, limit: batchSize, given: inputSteps(in: plan),
                                     load: { load(batched, samples: $0, plan: plan, pool: pool) },
                                     keep: outputs, pool: pool, clock: clock) { _, _ in }
        }
        _ = Timings.measure(repeats: 1, warmup: warmup) { run(nil) }
        let clock = StepClock(steps: plan.steps.count)
        for _ in 0..<max(1, repeats) { run(clock) }
        return clock.timings(of: plan)
    }

    /// Where a gradient call (`gradients(_:withRespectTo:)` of the predicted classes) spends its time, step by step:
    /// the inference plan's steps below the walked region, then the gradient plan's, each with its forward and
    /// backward medians over `repeats` calls (after `warmup` seconds of untimed ones). What `keraslens bench --steps
    /// --backward` prints: a backward step much slower than its forward one is where a gradient method loses.
    public func gradientStepTimings(_ inputs: [Tensor], withRespectTo layers: [String], target: ScoreTarget = .probability,
                                    repeats: Int, warmup: Double = 0.25) throws(RuntimeError) -> [StepTiming] {
        if let specialized = try specialized(forInputs: inputs) {
            return try specialized.gradientStepTimings(inputs, withRespectTo: layers, target: target, repeats: repeats, warmup: warmup)
        }
        let (batch, batched) = try checkInputs(inputs)
        let schedule = try gradientSchedule(layers: layers, target: target)
        let pass = schedule.passSize(limit: batch)
        func run(_ clocks: GradientClocks?) throws(RuntimeError) {
            clocks?.startRun()
            _ = try inPasses(of: batch, pass: pass, join: Gradients.init(joining:)) { range throws(RuntimeError) in
                try gradientPass(batched, samples: range, classes: nil, schedule: schedule, withRespectTo: layers, clocks: clocks)
            }
        }
        let warmupEnd = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, warmup) * 1e9)
        repeat { try run(nil) } while DispatchTime.now().uptimeNanoseconds < warmupEnd
        let clocks = GradientClocks(inference: inference, gradient: schedule.plan)
        for _ in 0..<max(1, repeats) { try run(clocks) }
        return clocks.inference.timings(of: inference) + clocks.forward.timings(of: schedule.plan, backward: clocks.backward)
    }
}
