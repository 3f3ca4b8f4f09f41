import ArgumentParser
import Foundation
import KerasLens

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time inference (or one explanation method) in this process, model already loaded, as median and min–max over repeats.")

    @Argument(help: "Model file.") var model: String
    @Option(help: "Input .npy; without it, uniform random inputs in [0, 1).") var input: String?
    @Option(help: "Samples per run (random inputs), or the first samples of --input.") var samples = 1
    @Option(help: "Samples per pass inside a run.") var batchSize = 64
    @Option(help: "Timed runs.") var repeats = 20
    @Option(help: "Seconds of untimed runs first (at least one run).") var warmup = 0.25
    @Option(help: "Time this explanation method (gradcam, ablationcam, lime, …) instead of inference.") var explain: String?
    @Option(help: "The layer the explanation reads (CAM methods), or the one --backward differentiates with respect to.")
    var layer: String?
    @Flag(help: "Also time each step of the inference plan (inference only): where the time goes, layer by layer.")
    var steps = false
    @Flag(help: "With --steps: time a gradient pass's steps instead, forward and backward (the predicted class's score, differentiated with respect to the model input or --layer).")
    var backward = false
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var outputChoice: OutputChoice

    func validate() throws {
        guard samples > 0 else { throw ValidationError("--samples must be positive") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
        guard warmup >= 0, warmup.isFinite else { throw ValidationError("--warmup must be a number of seconds, 0 or more") }
        if steps, explain != nil { throw ValidationError("--steps times inference; leave out --explain") }
        if backward, !steps { throw ValidationError("--backward says what --steps times; give both") }
        if let explain, ExplanationMethod(rawValue: explain) == nil {
            throw ValidationError("--explain \(explain): one of \(ExplanationMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let graph = try loadGraph(model)
        // An explanation reads one output; a plain run times them all.
        let opened = try Model(explain == nil ? graph : outputChoice.graph(graph))
        guard opened.inputShapes.count == 1 else { throw ValidationError("bench takes single-input models") }
        let loaded = try input.map { try loadArray($0, option: "--input") }
        var runner = opened
        if let loaded {
            // A model with open input dimensions is timed at the input's sizes.
            let declared = opened.inputShapes[0]
            runner = try opened.specialized(for: [loaded.rank == declared.count ? loaded.shape : Array(loaded.shape.dropFirst())])
        } else if opened.inputShapes[0].contains(openDimension) {
            let shape = opened.inputShapes[0].map { $0 == openDimension ? "None" : String($0) }.joined(separator: ", ")
            throw InputError("the model takes (N, \(shape)), with open dimensions; give --input to time it at that input's sizes")
        }
        let shape = runner.inputShapes[0]
        var data: Tensor
        if let input, let loaded {
            data = loaded
            if data.shape == shape { data.shape = [1] + shape }
            guard data.rank == shape.count + 1, Array(data.shape.dropFirst()) == shape else {
                throw InputError("--input \(input): shape \(data.shape), the model takes (N, \(shape.map(String.init).joined(separator: ", ")))")
            }
            let count = min(samples, data.shape[0]) * shape.reduce(1, *)
            data = Tensor(shape: [count / shape.reduce(1, *)] + shape, scalars: Array(data.scalars.prefix(count)))
        } else {
            var generator = SystemRandomNumberGenerator()
            let count = samples * shape.reduce(1, *)
            data = Tensor(shape: [samples] + shape, scalars: (0..<count).map { _ in Float.random(in: 0..<1, using: &generator) })
        }
        let timings: Timings
        if let method = explain.flatMap(ExplanationMethod.init(rawValue:)) {
            var options = ExplanationOptions()
            options.layer = layer
            options.batchSize = batchSize
            timings = try Timings.measure(repeats: repeats, warmup: warmup) { _ = try method.explain(runner, inputs: data, options: options) }
        } else {
            // Every output, as Keras's predict computes them.
            timings = try Timings.measure(repeats: repeats, warmup: warmup) { _ = try runner.predict([data], layers: runner.outputNames, batchSize: batchSize) }
        }
        let batch = data.shape[0]
        let stepTimings = !steps ? []
            : backward ? try runner.gradientStepTimings([data], withRespectTo: [layer ?? runner.graph.inputs[0]], repeats: repeats, warmup: 0)
            : try runner.stepTimings([data], repeats: repeats, warmup: 0, batchSize: batchSize)
        if json {
            let seconds = timings.seconds.map { "\($0)" }.joined(separator: ", ")
            let stepObjects = stepTimings.map { timing in
                let backward = timing.backwardSeconds.map { #", "backward_median_s": \#($0)"# } ?? ""
                return #"{"step": "\#(timing.name)", "kernel": "\#(timing.kernel)", "median_s": \#(timing.seconds)\#(backward)}"#
            }
            let stepsField = steps ? #", "steps": [\#(stepObjects.joined(separator: ", "))]"# : ""
            print(#"{"model": "\#(model)", "samples": \#(batch), "median_s": \#(timings.median), "min_s": \#(timings.minimum), "max_s": \#(timings.maximum), "seconds": [\#(seconds)]\#(stepsField)}"#)
        } else {
            print(String(format: "%@: %d samples: median %.3f ms (min %.3f, max %.3f), %.0f samples/s",
                         model, batch, timings.median * 1e3, timings.minimum * 1e3, timings.maximum * 1e3, Double(batch) / timings.median))
            printSteps(stepTimings)
        }
    }

    /// One line per step, in plan order: median milliseconds (forward, and backward for a gradient pass) and share
    /// of the steps' total.
    private func printSteps(_ timings: [StepTiming]) {
        guard !timings.isEmpty else { return }
        let gradient = backward
        func time(_ timing: StepTiming) -> Double { timing.seconds + (timing.backwardSeconds ?? 0) }
        let total = timings.reduce(0) { $0 + time($1) }
        let nameWidth = max(4, timings.map(\.name.count).max()!), kernelWidth = max(6, timings.map(\.kernel.count).max()!)
        func padded(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        print("\(padded("step", nameWidth))  \(padded("kernel", kernelWidth))  " + (gradient ? "forward ms  backward ms" : "median ms") + "  share")
        for timing in timings {
            let backwardColumn = !gradient ? "" : timing.backwardSeconds.map { String(format: "  %11.3f", $0 * 1e3) } ?? "            –"
            print(padded(timing.name, nameWidth) + "  " + padded(timing.kernel, kernelWidth)
                  + String(format: gradient ? "  %10.3f" : "  %9.3f", timing.seconds * 1e3) + backwardColumn
                  + String(format: "  %4.1f%%", 100 * time(timing) / max(total, 1e-12)))
        }
        if gradient {
            let forward = timings.reduce(0) { $0 + $1.seconds }, backward = total - forward
            print(String(format: "%@  %10.3f  %11.3f  (sums of the step medians)", padded("", nameWidth + kernelWidth + 2), forward * 1e3, backward * 1e3))
        } else {
            print(String(format: "%@  %9.3f  (sum of the step medians)", padded("", nameWidth + kernelWidth + 2), total * 1e3))
        }
    }
}
