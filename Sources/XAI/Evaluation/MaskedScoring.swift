import KerasLensGraph
import KerasLensRuntime

/// Scores of a batch's classes after each input is changed, `batchSize` inputs per model call: what every
/// explanation metric measures.
struct MaskedScoring {
    let model: Model
    let inputs: Tensor
    let classes: [Int]
    let target: ScoreTarget
    let batchSize: Int
    /// For token ids (an Embedding reads the input): the id a removed token becomes; nil for other inputs.
    var baselineToken: Float? = nil

    var geometry: SpatialGeometry { SpatialGeometry(sampleShape: Array(inputs.shape.dropFirst())) }

    /// `y_c(edit(x))` per sample, where `edit(sample, buffer)` rewrites a copy of sample's input in place.
    func scores(_ edit: (Int, UnsafeMutableBufferPointer<Float>) -> Void) throws -> [Float] {
        let size = geometry.count, count = inputs.shape[0]
        var result: [Float] = []
        for start in stride(from: 0, to: count, by: max(1, batchSize)) {
            let end = min(start + max(1, batchSize), count)
            var scalars = Array(inputs.scalars[(start * size)..<(end * size)])
            scalars.withUnsafeMutableBufferPointer { buffer in
                for sample in start..<end {
                    edit(sample, UnsafeMutableBufferPointer(rebasing: buffer[((sample - start) * size)..<((sample - start + 1) * size)]))
                }
            }
            let batch = Tensor(shape: [end - start] + inputs.shape.dropFirst(), scalars: scalars)
            result += try model.scores([batch], classes: Array(classes[start..<end]), target: target).scores
        }
        return result
    }

    /// Every channel of each position scaled by that position's value in `mask` (a flat spatial map). Token ids
    /// cannot be scaled: a token is kept where the mask is at least 0.5, else replaced by the baseline token.
    func apply(_ mask: ArraySlice<Float>, channels: Int, to buffer: UnsafeMutableBufferPointer<Float>) {
        for (position, value) in zip(0..., mask) {
            for c in 0..<channels {
                if let baselineToken {
                    if value < 0.5 { buffer[position * channels + c] = baselineToken }
                } else {
                    buffer[position * channels + c] *= value
                }
            }
        }
    }

    /// What a deleted position holds: zero, or the baseline token.
    var removedValue: Float { baselineToken ?? 0 }
}
