/// PyTorch's `interpolate(mode='linear'/'bilinear', align_corners=False)` on one channel, the resize of
/// pytorch-grad-cam-style pipelines. Output index `d` reads input coordinate `s = (d + ½)·in/out − ½`, clamped below
/// at 0; its neighbours are `floor(s)` and the next index, clamped at `in − 1`. Like PyTorch's CPU kernel for float
/// tensors, the scale, coordinates, weights and sums are Float; applying the axes one after the other (width, then
/// height) is PyTorch's own order of operations, `(x₀₀w₀ + x₀₁w₁)·h₀ + (x₁₀w₀ + x₁₁w₁)·h₁`.
enum LinearResize {
    static func resize(_ values: [Float], shape: [Int], to size: [Int]) -> [Float] {
        let columns = Taps(input: shape.last!, output: size.last!)
        let rows = shape.count == 2 ? shape[0] : 1
        var across = [Float](repeating: 0, count: rows * size.last!)
        for r in 0..<rows {
            let line = r * shape.last!
            for j in 0..<size.last! {
                across[r * size.last! + j] = values[line + columns.lower[j]] * columns.lowerWeight[j]
                    + values[line + columns.upper[j]] * columns.upperWeight[j]
            }
        }
        guard shape.count == 2 else { return across }
        let down = Taps(input: shape[0], output: size[0])
        let width = size[1]
        var output = [Float](repeating: 0, count: size[0] * width)
        for i in 0..<size[0] {
            let (lower, upper) = (down.lower[i] * width, down.upper[i] * width)
            for j in 0..<width {
                output[i * width + j] = across[lower + j] * down.lowerWeight[i] + across[upper + j] * down.upperWeight[i]
            }
        }
        return output
    }

    /// `compute_source_index_and_lambda` per output index of one axis.
    private struct Taps {
        var lower: [Int], upper: [Int]
        var lowerWeight: [Float], upperWeight: [Float]

        init(input: Int, output: Int) {
            lower = Array(0..<output)
            upper = lower
            lowerWeight = Array(repeating: 1, count: output)
            upperWeight = Array(repeating: 0, count: output)
            guard input != output else { return }
            let scale = Float(input) / Float(output)
            for d in 0..<output {
                let source = max(scale * (Float(d) + 0.5) - 0.5, 0)
                let index = min(Int(source.rounded(.down)), input - 1)
                let lambda = min(max(source - Float(index), 0), 1)
                lower[d] = index
                upper[d] = index + (index < input - 1 ? 1 : 0)
                upperWeight[d] = lambda
                lowerWeight[d] = 1 - lambda
            }
        }
    }
}
