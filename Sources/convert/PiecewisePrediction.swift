import KerasLens

/// The model's output (or `layer`'s) for samples `block` of `rows` (default: all), reading about 16 MB of input at a
/// time (whole batches, at most 256 samples or one batch), so that memory does not grow with the set. `progress` hears how many samples are done.
func predictInPieces(_ runner: Model, _ rows: InputRows, block: Range<Int>? = nil, layer: String? = nil, batchSize: Int,
                     progress: (Int) -> Void = { _ in }) throws -> Tensor {
    try predictInPieces(runner, rows, block: block, layers: [layer ?? runner.outputNames[0]], batchSize: batchSize, progress: progress)[0]
}

/// `predictInPieces` for several layers (a model's several outputs), computed in one pass per piece.
func predictInPieces(_ runner: Model, _ rows: InputRows, block: Range<Int>? = nil, layers: [String], batchSize: Int,
                     progress: (Int) -> Void = { _ in }) throws -> [Tensor] {
    let block = block ?? 0..<rows.count
    let sampleScalars = max(1, runner.inputShapes[0].reduce(1, *))
    // A whole number of batches, so that a block starting at a multiple of the batch size is batched as a whole set is.
    let batch = max(1, batchSize)
    let piece = max(batch, min(max(batch, 256), (1 << 22) / sampleScalars) / batch * batch)
    var scalars = [[Float]](repeating: [], count: layers.count)
    var shapes = [[Int]](repeating: [], count: layers.count)
    for start in stride(from: block.lowerBound, to: block.upperBound, by: piece) {
        let end = min(start + piece, block.upperBound)
        let parts = try runner.predict([rows.read(start..<end)], layers: layers, batchSize: batchSize)
        for (index, part) in parts.enumerated() {
            scalars[index] += part.scalars
            shapes[index] = Array(part.shape.dropFirst())
        }
        progress(end - block.lowerBound)
    }
    return zip(scalars, shapes).map { Tensor(shape: [block.count] + $1, scalars: $0) }
}
