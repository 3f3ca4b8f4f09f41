/// Otsu's threshold, exactly as `skimage.filters.threshold_otsu(image, nbins=256)` computes it for a float32 image,
/// so explainers that split a map at it (SISE) keep the same pixels as the Python reference.
///
/// skimage works in float32 throughout for float32 input, and an argmax over 255 candidates can flip on one
/// rounding, so every step below is Float in numpy's order:
/// - `np.histogram(values, bins=256)` over `[min, max]`: edges `np.linspace(min, max, 257)` (`i · ((max − min)/256) +
///   min`, the last edge exactly `max`); bin `trunc((v − min)/(max − min) · 256)`, the top value in the last bin, then
///   numpy's one-step corrections against the edges;
/// - bin centres `(edge[i] + edge[i+1]) / 2`;
/// - running (left to right) class weights and weighted sums from both ends, class means, and the between-class
///   variance `w₁[i]·w₂[i+1]·(μ₁[i] − μ₂[i+1])²` for a split after bin `i`; the first largest wins.
public enum Otsu {
    private static let bins = 256

    /// The threshold of `values` (finite, not empty); an image with a single value returns that value, as skimage does.
    public static func threshold(_ values: [Float]) -> Float {
        precondition(!values.isEmpty, "Otsu needs at least one value")
        let first = values[0]
        guard values.contains(where: { $0 != first }) else { return first }
        let low = values.min()!, high = values.max()!
        let edges = binEdges(low, high)
        let span = high - low
        var histogram = [Int](repeating: 0, count: bins)
        for v in values {
            var index = min(Int(((v - low) / span) * Float(bins)), bins - 1)
            if v < edges[index] { index -= 1 }
            if index != bins - 1, v >= edges[index + 1] { index += 1 }
            histogram[index] += 1
        }
        let counts = histogram.map(Float.init)
        let centres = (0..<bins).map { (edges[$0] + edges[$0 + 1]) / 2 }
        let mass = (0..<bins).map { counts[$0] * centres[$0] }

        var weightBelow = [Float](repeating: 0, count: bins), meanBelow = weightBelow
        var weight: Float = 0, sum: Float = 0
        for i in 0..<bins {
            weight += counts[i]
            sum += mass[i]
            weightBelow[i] = weight
            meanBelow[i] = sum / weight
        }
        var weightAbove = [Float](repeating: 0, count: bins), meanAbove = weightAbove
        weight = 0
        sum = 0
        for i in stride(from: bins - 1, through: 0, by: -1) {
            weight += counts[i]
            sum += mass[i]
            weightAbove[i] = weight
            meanAbove[i] = sum / weight
        }
        var best = 0
        var bestVariance = -Float.infinity
        for i in 0..<(bins - 1) {
            let difference = meanBelow[i] - meanAbove[i + 1]
            let variance = weightBelow[i] * weightAbove[i + 1] * (difference * difference)
            if variance > bestVariance {
                best = i
                bestVariance = variance
            }
        }
        return centres[best]
    }

    /// `np.linspace(low, high, 257, dtype=float32)`: `arange · step + low` in Float, the last edge set to `high`
    /// (and, when the step underflows to zero, `arange / 256 · span + low`, numpy's denormal branch).
    private static func binEdges(_ low: Float, _ high: Float) -> [Float] {
        let span = high - low
        let step = span / Float(bins)
        var edges = (0...bins).map { i in step == 0 ? Float(i) / Float(bins) * span + low : Float(i) * step + low }
        edges[bins] = high
        return edges
    }
}
