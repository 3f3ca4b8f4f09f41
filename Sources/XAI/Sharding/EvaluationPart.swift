import Foundation

extension ExplanationMethod: Codable {}

/// One shard's share of an evaluation, everything `EvaluationMerge` needs to give the numbers and the report of one
/// unsharded run: per-sample values only (never averages, which could not be merged exactly), in the shard's block
/// order. Codable so the caller can keep it in a file; the scores travel as raw little-endian Float32 so that they
/// come back bit for bit and stay small.
public struct EvaluationPart: Codable, Sendable {
    /// Bumped when the layout changes; a part of another layout is refused.
    public static let currentLayout = 1

    /// One method's per-sample scores on the shard's block of explained samples.
    public struct MethodPart: Codable, Sendable {
        public var method: ExplanationMethod
        public var layer: String?
        public var frac: Double
        public var seconds: Double
        var changes: [Double]
        var drops: [Double]
        var increased: [Bool]
        var deletionAreas: [Double]?
        var insertionAreas: [Double]?

        /// `frac` and `withCurves` are given, not read from `scores`, because a shard's block may be empty.
        public init(method: ExplanationMethod, layer: String?, frac: Double, withCurves: Bool, scores: ExplanationScores, seconds: Double) {
            self.method = method
            self.layer = layer
            self.frac = frac
            self.seconds = seconds
            changes = scores.dropIncrease.changes
            drops = scores.confidence.drops
            increased = scores.confidence.increased
            deletionAreas = withCurves ? scores.curves?.deletionAreas ?? [] : nil
            insertionAreas = withCurves ? scores.curves?.insertionAreas ?? [] : nil
        }

        var count: Int { changes.count }

        var scores: ExplanationScores {
            let curves = deletionAreas.flatMap { deletion in
                insertionAreas.map { DeletionInsertion(deletionAreas: deletion, insertionAreas: $0) }
            }
            return ExplanationScores(dropIncrease: DropIncrease(changes: changes),
                                     confidence: ConfidenceChange(drops: drops, increased: increased),
                                     curves: curves, samples: count, frac: frac)
        }

        var isConsistent: Bool {
            drops.count == count && increased.count == count
                && deletionAreas?.count ?? count == count && insertionAreas?.count ?? count == count
                && (deletionAreas == nil) == (insertionAreas == nil)
        }
    }

    /// A figure of a `--show` sample this shard holds.
    public struct Figure: Codable, Sendable {
        public var sample: Int
        public var method: ExplanationMethod
        public var caption: String
        public var png: Data

        public init(_ figure: ReportFigure, method: ExplanationMethod) {
            sample = figure.sample
            self.method = method
            caption = figure.caption
            png = Data(figure.png)
        }
    }

    public var layout = EvaluationPart.currentLayout
    public var shard: Shard
    /// What must agree between the shards of one run (model, options, inputs), as name and value in a fixed
    /// order; the caller decides what goes in, the merge names the first entry that differs.
    public var fingerprint: [Setting]
    /// Samples in the whole set (classified), and how many of its first ones are explained.
    public var samples: Int
    public var explained: Int
    /// The batch the blocks are cut in (`Shard.block(of:batch:)`).
    public var batch: Int
    /// The samples whose figures the report shows, in the order given.
    public var shown: [Int]
    /// Model outputs of the shard's block of the whole set (`shard.block(of: samples, batch: batch)`) (block × classes), with the block's labels; nil without labels.
    public var classes: Int?
    public var labels: [Int]?
    var outputs: Data?
    public var methods: [MethodPart]
    public var figures: [Figure]
    /// What the results are called: the model file as the user named it, the dataset, the classes.
    public var modelFile: String
    public var datasetName: String
    public var classNames: [String]

    /// A name and its value, e.g. `("--frac", "0.3")`.
    public struct Setting: Codable, Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `outputs` are the model's `classes` scores of each sample of `shard.block(of: samples, batch: batch)`, row after row;
    /// `labels` their true classes.
    public init(shard: Shard, fingerprint: [Setting], samples: Int, explained: Int, batch: Int, shown: [Int],
                classes: Int, outputs: [Float]?, labels: [Int]?, methods: [MethodPart], figures: [Figure],
                modelFile: String, datasetName: String, classNames: [String]) {
        self.shard = shard
        self.modelFile = modelFile
        self.datasetName = datasetName
        self.classNames = classNames
        self.fingerprint = fingerprint
        self.samples = samples
        self.explained = explained
        self.batch = batch
        self.shown = shown
        self.classes = outputs == nil ? nil : classes
        self.labels = labels
        self.outputs = outputs.map { scalars in
            Data(scalars.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } })
        }
        self.methods = methods
        self.figures = figures
    }

    /// The block's outputs back as scalars (nil when the stored bytes are not whole Float32 values).
    var outputScalars: [Float]? {
        guard let outputs, outputs.count % 4 == 0 else { return nil }
        return stride(from: 0, to: outputs.count, by: 4).map { offset in
            var bits: UInt32 = 0
            for byte in 0..<4 { bits |= UInt32(outputs[outputs.startIndex + offset + byte]) << (8 * byte) }
            return Float(bitPattern: bits)
        }
    }
}
