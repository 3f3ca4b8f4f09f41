import KerasLensGraph
import KerasLensRuntime

extension ExplanationMetrics {
    /// Explains `count` samples with `method` and scores the maps, reading the set a piece at a time (`rows(range)`
    /// gives samples `range`), so memory holds one piece however large the set is. The result is the one a single
    /// call on the whole set gives: per-sample draws are keyed by position and the pieces' scores are merged in
    /// order. `piece` samples are read at a time (default: a multiple of both batch sizes near 4 Mi input scalars, so
    /// that a set cut at multiples of them (`Shard`) is batched as a whole one;
    /// with the curves about four times that is live). `progress` hears how many samples are done.
    public static func evaluate(_ model: Model, method: ExplanationMethod, count: Int, rows: (Range<Int>) throws -> Tensor,
                                options: ExplanationOptions, frac: Double, curveStep: Int? = nil, withCurves: Bool = true,
                                batchSize: Int = 64, piece: Int? = nil, progress: (Int) -> Void = { _ in }) throws -> ExplanationScores {
        let sampleScalars = max(1, model.inputShapes.first?.reduce(1, *) ?? 1)
        let batch = max(1, batchSize), unit = Shard.commonBatch([batch, options.batchSize])
        let piece = max(1, piece ?? max(unit, (1 << 22) / sampleScalars / unit * unit))
        var parts: [ExplanationScores] = []
        for start in stride(from: 0, to: count, by: piece) {
            let range = start..<min(start + piece, count)
            let inputs = try rows(range)
            var pieceOptions = options
            pieceOptions.firstSample = options.firstSample + start
            pieceOptions.classes = options.classes.map { Array($0[range]) }
            let explanation = try method.explain(model, inputs: inputs, options: pieceOptions)
            parts.append(try evaluate(model, inputs: inputs, explanation: explanation, frac: frac, target: options.target,
                                      curveStep: curveStep, withCurves: withCurves, batchSize: batch,
                                      baselineToken: options.baselineToken))
            progress(range.upperBound)
        }
        return ExplanationScores(merging: parts)
    }
}
