import Graph
import Runtime

/// The model's output (or `layer`'s) for every sample of `rows`, reading about 16 MB of input at a time (at most
/// 256 samples), so that memory does not grow with the set. `progress` hears how many samples are done.
func predictInPieces(_ runner: Model, _ rows: InputRows, layer: String? = nil, batchSize: Int,
                     progress: (Int) -> Void = { _ in }) throws -> Tensor {
    let sampleScalars = max(1, runner.inputShapes[0].reduce(1, *))
    let piece = max(1, min(max(batchSize, 256), (1 << 22) / sampleScalars))
    var scalars: [Float] = []
    var shape: [Int] = []
    for start in stride(from: 0, to: rows.count, by: piece) {
        let end = min(start + piece, rows.count)
        let part = try runner.predict(rows.read(start..<end), layer: layer, batchSize: batchSize)
        scalars += part.scalars
        shape = Array(part.shape.dropFirst())
        progress(end)
    }
    return Tensor(shape: [rows.count] + shape, scalars: scalars)
}
