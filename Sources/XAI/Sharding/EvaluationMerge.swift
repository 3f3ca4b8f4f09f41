import KerasLensGraph

/// Why shard files cannot be merged, naming the files and what differs.
public struct MergeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// An evaluation put together from its shards: what one unsharded run gives, every number equal, because each
/// per-sample value is put back at its global position before any average is taken.
public struct MergedEvaluation: Sendable {
    public struct MethodScores: Sendable {
        public var method: ExplanationMethod
        public var layer: String?
        public var scores: ExplanationScores
        /// The shards' explaining and scoring time added up: the compute spent, not the wall time of the job.
        public var seconds: Double
    }

    public var shards: Int
    /// The first shard's names (the fingerprint makes the dataset and class names agree; the model path may not).
    public var modelFile: String
    public var datasetName: String
    public var classNames: [String]
    public var classification: ClassificationMetrics?
    public var methods: [MethodScores]
    /// The `--show` figures, by method and then in the order the samples were given, as one run makes them.
    public var figures: [ReportFigure]
}

public enum EvaluationMerge {
    /// Merges the parts of one run, each with the name of the file it came from (for the refusals). Refused: no
    /// parts, a part of another layout, parts whose fingerprints differ, shard counts that disagree, a shard given
    /// twice or missing, and a part whose contents do not fit its block.
    public static func merge(_ parts: [(file: String, part: EvaluationPart)]) throws(MergeError) -> MergedEvaluation {
        guard let (firstFile, first) = parts.first else { throw MergeError("no shard files given") }
        for (file, part) in parts {
            guard part.layout == EvaluationPart.currentLayout else {
                throw MergeError("\(file) has layout \(part.layout); this keraslens reads layout \(EvaluationPart.currentLayout)")
            }
            try checkSameRun(file, part, as: firstFile, first)
            try checkContents(file, part)
        }
        let ordered = try inShardOrder(parts)
        let classification = try classificationMetrics(ordered)
        let methods = first.methods.indices.map { m in
            MergedEvaluation.MethodScores(method: first.methods[m].method, layer: first.methods[m].layer,
                                          scores: ExplanationScores(merging: ordered.map { $0.part.methods[m].scores }),
                                          seconds: ordered.reduce(0) { $0 + $1.part.methods[m].seconds })
        }
        return MergedEvaluation(shards: first.shard.count, modelFile: first.modelFile, datasetName: first.datasetName,
                                classNames: first.classNames, classification: classification, methods: methods,
                                figures: try figures(ordered))
    }

    private static func checkSameRun(_ file: String, _ part: EvaluationPart, as firstFile: String, _ first: EvaluationPart) throws(MergeError) {
        let names = first.fingerprint.map(\.name), otherNames = part.fingerprint.map(\.name)
        guard names == otherNames else {
            throw MergeError("\(file) and \(firstFile) record different settings (\(otherNames.joined(separator: ", ")) against \(names.joined(separator: ", "))); they come from different keraslens versions")
        }
        for (mine, theirs) in zip(part.fingerprint, first.fingerprint) where mine.value != theirs.value {
            throw MergeError("\(file) and \(firstFile) are shards of different runs: \(mine.name) is \(mine.value) in \(file) but \(theirs.value) in \(firstFile)")
        }
        guard part.shard.count == first.shard.count else {
            throw MergeError("\(file) is shard \(part.shard) but \(firstFile) is shard \(first.shard): the runs were split into different numbers of shards")
        }
        guard part.samples == first.samples, part.explained == first.explained, part.batch == first.batch, part.shown == first.shown,
              part.methods.map(\.method) == first.methods.map(\.method), (part.labels == nil) == (first.labels == nil) else {
            throw MergeError("\(file) and \(firstFile) cover different sample counts, batches, methods or shown samples")
        }
    }

    /// A part's contents must be its block's: one value per sample for every method, one output row per sample.
    private static func checkContents(_ file: String, _ part: EvaluationPart) throws(MergeError) {
        let block = part.shard.block(of: part.samples, batch: part.batch), explained = part.shard.block(of: part.explained, batch: part.batch)
        for method in part.methods where method.count != explained.count || !method.isConsistent {
            throw MergeError("\(file): \(method.method.rawValue) has \(method.count) samples' scores; shard \(part.shard) of \(part.explained) explained samples has \(explained.count)")
        }
        if let labels = part.labels {
            let classes = part.classes ?? 0
            guard labels.count == block.count, classes > 0, part.outputScalars?.count == block.count * classes else {
                throw MergeError("\(file): the outputs or labels do not cover shard \(part.shard)'s \(block.count) of \(part.samples) samples")
            }
        }
        for figure in part.figures where !block.contains(figure.sample) || !part.shown.contains(figure.sample) {
            throw MergeError("\(file): a figure of sample \(figure.sample), which shard \(part.shard) does not show")
        }
    }

    /// The parts sorted by shard, each shard exactly once.
    private static func inShardOrder(_ parts: [(file: String, part: EvaluationPart)]) throws(MergeError) -> [(file: String, part: EvaluationPart)] {
        let count = parts[0].part.shard.count
        var byIndex: [Int: String] = [:]
        for (file, part) in parts {
            if let earlier = byIndex[part.shard.index] {
                throw MergeError("shard \(part.shard) is given twice: \(earlier) and \(file)")
            }
            byIndex[part.shard.index] = file
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw MergeError("shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) of \(count) missing")
        }
        return parts.sorted { $0.part.shard.index < $1.part.shard.index }
    }

    private static func classificationMetrics(_ parts: [(file: String, part: EvaluationPart)]) throws(MergeError) -> ClassificationMetrics? {
        let first = parts[0].part
        guard first.labels != nil, let classes = first.classes else { return nil }
        var scores: [Float] = [], labels: [Int] = []
        for (file, part) in parts {
            guard part.classes == classes else {
                throw MergeError("\(file) has \(part.classes ?? 0) classes but \(parts[0].file) has \(classes)")
            }
            scores += part.outputScalars ?? []
            labels += part.labels ?? []
        }
        do {
            return try ClassificationMetrics(scores: Tensor(shape: [labels.count, classes], scalars: scores), labels: labels)
        } catch {
            throw MergeError(String(describing: error))
        }
    }

    private static func figures(_ parts: [(file: String, part: EvaluationPart)]) throws(MergeError) -> [ReportFigure] {
        let first = parts[0].part
        var byKey: [String: ReportFigure] = [:]
        for (_, part) in parts {
            for figure in part.figures {
                byKey["\(figure.method.rawValue) \(figure.sample)"] = ReportFigure(sample: figure.sample, method: figure.method.rawValue,
                                                                                  caption: figure.caption, png: Array(figure.png))
            }
        }
        var figures: [ReportFigure] = []
        for method in first.methods.map(\.method) {
            for sample in first.shown {
                guard let figure = byKey["\(method.rawValue) \(sample)"] else {
                    let owner = parts.first { $0.part.shard.block(of: first.samples, batch: first.batch).contains(sample) }?.file ?? "no shard"
                    throw MergeError("\(owner) lacks the \(method.rawValue) figure of sample \(sample)")
                }
                figures.append(figure)
            }
        }
        return figures
    }
}
