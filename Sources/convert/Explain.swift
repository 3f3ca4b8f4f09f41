import ArgumentParser
import Foundation
import KerasLens

extension ExplanationMethod: ExpressibleByArgument {}
extension ScoreTarget: ExpressibleByArgument {}
extension Upsampling: ExpressibleByArgument {}
extension ExplanationOptions.Ablation: ExpressibleByArgument {}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a model's decisions on .npy or image inputs.",
        discussion: "Methods: \(ExplanationMethod.allCases.map(\.rawValue).joined(separator: ", ")). docs/METHODS.md gives each one's formula. Writes the maps as float32 .npy ((N, L) for 1-D inputs, (N, H, W) for 2-D) and PNG figures."
    )

    @Argument(help: "Model file.") var model: String
    @Option(help: "Input: a .npy shaped (N, …) or one sample, an image (.png, .jpg, .jpeg), or a folder of images.") var input: String
    @Option(help: "The explanation method.") var method: ExplanationMethod
    @Option(help: "The layer a CAM method reads (default: the last layer with the input's spatial axes).") var layer: String?
    @Option(help: "Comma-separated layers for sise, shallow to deep.") var layers: String?
    @Option(name: .customLong("class"), help: "Class to explain: one for every sample, or one per sample comma-separated (default: the predicted class).") var classes: String?
    @Option(help: "Score: the model's output (probability) or the final pre-activation (logit).") var target: ScoreTarget = .probability
    @Option(help: "How CAM maps reach the input's size: spline, linear, nearest, none.") var upsample: Upsampling = .spline
    @Option(help: "Write the maps to this .npy file.") var output: String?
    @Option(help: "Write one PNG figure per sample into this folder.") var png: String?
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Samples per model call.") var batchSize = 16
    @Option(help: "Seed for smoothgrad, rise and lime.") var seed: UInt64 = 0
    @Option(help: "ablationcam: switch channels off by zeroing their activations or their kernel weights.") var ablation: ExplanationOptions.Ablation = .activation
    @Flag(help: "ablationcam with --ablation weights: zero the bias too.") var zeroBias = false
    @Option(help: "smoothgrad: noise standard deviation as a fraction of the input's range.") var noiseLevel: Float = 0.15
    @Option(help: "smoothgrad: noisy copies per sample.") var noiseSamples = 50
    @Option(help: "smoothgrad: .npy of noise (n, …input shape) to use instead of drawing it.") var noise: String?
    @Option(help: "scorecam: mask with only the N channels whose activations vary most over the positions (tf-keras-vis's max_N, Faster Score-CAM; default: every channel, the exact method).") var maxChannels: Int?
    @Option(help: "integrated-gradients: steps from the zero baseline.") var steps = 50
    @Option(help: "occlusion: window per spatial axis (default 4 for 1-D, 32 for 2-D).") var window: Int?
    @Option(help: "occlusion: stride per spatial axis (default 1 for 1-D, 16 for 2-D).") var stride: Int?
    @Option(help: "rise: masks to draw (default 2000 for 1-D, 4000 for 2-D).") var masksCount: Int?
    @Option(help: "rise: grid cells per axis.") var grid = 8
    @Option(help: "rise: .npy of masks (N, …input spatial shape) to use instead of drawing them.") var masks: String?
    @Option(help: "lime: positions per segment for 1-D inputs.") var segmentSize = 4
    @Option(help: "lime: .npy of segment labels shaped like the input's spatial axes (default: quickshift for 2-D).") var segments: String?
    @Option(help: "lime: perturbations.") var samples = 300
    @Option(help: "lime: .npy on/off matrix (perturbations × segments) to use instead of drawing it.") var perturbations: String?
    @Option(help: "lime: kernel width of the proximity weights.") var kernelWidth: Double = 0.25
    @Option(help: "lime: how many top segments to report.") var features = 4
    @Option(help: "Token-id inputs (read by an Embedding): the id occlusion, lime, rise, scorecam and sise put in place of a removed token, and integrated-gradients starts from.") var baselineToken = 0
    @Option(help: "Explain shard K of N (K = 0…N−1): a contiguous block of whole batches; sample numbers stay those of the whole input.") var shard: Shard?
    @OptionGroup var images: ImageInputOptions
    @OptionGroup var outputChoice: OutputChoice

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if ablation == .weights, method != .ablationcam { throw ValidationError("--ablation is an ablationcam option") }
        if let maxChannels {
            guard method == .scorecam else { throw ValidationError("--max-channels is a scorecam option") }
            guard maxChannels > 0 else { throw ValidationError("--max-channels must be positive") }
        }
    }

    func run() throws {
        let opened = try Model(outputChoice.graph(loadGraph(model)))
        let rows = try InputRows(input, option: "--input", sampleShape: opened.inputShapes[0], images: images)
        // A model with open input dimensions is explained at the input's sizes.
        let runner = try opened.specialized(for: [rows.sampleShape])
        let shard = self.shard ?? .whole
        let block = shard.block(of: rows.count, batch: batchSize)
        guard !block.isEmpty else {
            print("shard \(shard) has no samples: \(rows.count) samples make \((rows.count + batchSize - 1) / batchSize) batches of --batch-size \(batchSize)")
            return
        }
        let layer = try camLayer([method], model: runner, given: self.layer)
        var options = try makeOptions()
        options.layer = layer
        let classIDs = try classes.map { try classList($0, count: rows.count) }
        // Whole batches of about 4 Mi input scalars at a time: memory holds one piece (and the maps' writer), not the set.
        let sampleScalars = max(1, runner.inputShapes[0].reduce(1, *))
        let piece = max(batchSize, (1 << 22) / sampleScalars / batchSize * batchSize)
        var seconds = 0.0
        var samples: [ExplainReport.Sample] = [], figures: [String] = []
        var maps: NumPyRowWriter?
        for start in Swift.stride(from: block.lowerBound, to: block.upperBound, by: piece) {
            let range = start..<min(start + piece, block.upperBound)
            let inputs = try rows.read(range)
            options.firstSample = start
            options.classes = classIDs.map { Array($0[range]) }
            let began = DispatchTime.now().uptimeNanoseconds
            let explanation = try method.explain(runner, inputs: inputs, options: options)
            seconds += Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
            if let output {
                maps = try maps ?? NumPyRowWriter(path: output, shape: [block.count] + explanation.maps.shape.dropFirst())
                try maps?.append(explanation.maps)
            }
            figures += try png.map {
                try writeFigures(explanation, inputs: inputs, method: method, firstIndex: start, original: rows.original, to: $0)
            } ?? []
            samples += ExplainReport.samples(of: explanation, firstIndex: start)
        }
        try maps?.finish()
        let report = ExplainReport(method: method.rawValue, layer: method.needsLayer ? layer : nil, target: target.rawValue,
                                   seconds: seconds, output: output, figures: figures, samples: samples)
        print(json ? try report.json() : report.text())
    }

    private func makeOptions() throws -> ExplanationOptions {
        var options = ExplanationOptions()
        options.layers = layers?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        options.target = target
        options.upsampling = upsample
        options.batchSize = batchSize
        options.seed = seed
        options.ablation = ablation
        options.zeroBias = zeroBias
        options.noiseLevel = noiseLevel
        options.noiseSamples = noiseSamples
        options.noise = try noise.map { try loadArray($0, option: "--noise") }
        options.maxChannels = maxChannels
        options.steps = steps
        options.window = window
        options.stride = stride
        options.maskCount = masksCount
        options.grid = grid
        options.masks = try masks.map { try loadArray($0, option: "--masks") }
        options.segmentSize = segmentSize
        options.segments = try segments.map { try loadArray($0, option: "--segments") }
        options.perturbationCount = samples
        options.perturbations = try perturbations.map { try loadArray($0, option: "--perturbations") }
        options.kernelWidth = kernelWidth
        options.topFeatures = features
        options.baselineToken = baselineToken
        return options
    }

    private func classList(_ text: String, count: Int) throws -> [Int] {
        let values = try text.split(separator: ",").map { part -> Int in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw InputError("--class: '\(part)' is not a class index")
            }
            return value
        }
        if values.count == 1 { return Array(repeating: values[0], count: count) }
        guard values.count == count else { throw InputError("--class: \(values.count) classes given for \(count) samples") }
        return values
    }
}
