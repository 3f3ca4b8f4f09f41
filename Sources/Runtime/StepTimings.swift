import Dispatch
import KerasLensGraph

/// One step of a model's inference plan and the median time its kernel took (`Model.stepTimings`).
public struct StepTiming: Sendable {
    /// The layer the step computes (a step with folded layers takes the last one's name).
    public let name: String
    /// The kernel that ran it (`ConvolutionKernel`, …).
    public let kernel: String
    public let seconds: Double
}

/// Each step's kernel time, one total per run (a run may execute the plan in several passes). Used by one thread
/// at a time: the plan runs its steps in order.
final class StepClock {
    private(set) var runs: [[UInt64]] = []
    private let steps: Int

    init(steps: Int) { self.steps = steps }

    func startRun() { runs.append([UInt64](repeating: 0, count: steps)) }

    func add(_ nanoseconds: UInt64, to step: Int) { runs[runs.count - 1][step] += nanoseconds }
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
        return plan.steps.indices.compactMap { index in
            guard let kernel = plan.steps[index].kernel else { return nil }
            let times = clock.runs.map { $0[index] }.sorted()
            return StepTiming(name: plan.steps[index].name, kernel: String(describing: type(of: kernel)),
                              seconds: Double(times[times.count / 2]) / 1e9)
        }
    }
}
