import Foundation

/// Deletion and insertion curves (Petsiuk et al. 2018, the RISE paper): positions in order of decreasing map value,
/// `step` at a time, are set to zero (deletion, from the input) or copied in from the input (insertion, from a
/// Gaussian-blurred input); the score after each step makes a curve over [0, 1] whose trapezoid area is the AUC.
/// Low deletion and high insertion AUC mean the map found what the model uses.
public struct DeletionInsertion: Sendable, Equatable {
    /// Means over the samples.
    public var deletionAUC: Double
    public var insertionAUC: Double
    /// Per sample.
    public var deletionAreas: [Double]
    public var insertionAreas: [Double]

    init(deletionAreas: [Double], insertionAreas: [Double]) {
        self.deletionAreas = deletionAreas
        self.insertionAreas = insertionAreas
        let n = Double(max(deletionAreas.count, 1))
        deletionAUC = deletionAreas.reduce(0, +) / n
        insertionAUC = insertionAreas.reduce(0, +) / n
    }

    /// The AUCs of consecutive pieces of a set, as if scored at once.
    init(merging parts: [DeletionInsertion]) {
        self.init(deletionAreas: parts.flatMap(\.deletionAreas), insertionAreas: parts.flatMap(\.insertionAreas))
    }

    /// RISE's `auc`: the trapezoid rule over equally spaced points spanning [0, 1].
    static func area(_ curve: [Float]) -> Double {
        guard curve.count > 1 else { return Double(curve.first ?? 0) }
        let sum = curve.reduce(0.0) { $0 + Double($1) }
        return (sum - Double(curve.first!) / 2 - Double(curve.last!) / 2) / Double(curve.count - 1)
    }

    /// Positions from the largest map value to the smallest (ties in position order).
    static func order(_ map: ArraySlice<Float>) -> [Int] {
        let values = Array(map)
        return values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
    }

    /// RISE's blur: a normalised Gaussian of `length` taps and deviation `sigma` along each spatial axis, zero
    /// padding, each channel alone. `spatial` is the sample's spatial shape.
    static func blurred(_ sample: ArraySlice<Float>, spatial: [Int], channels: Int, length: Int = 11, sigma: Double = 5) -> [Float] {
        let half = length / 2
        let taps = (0..<length).map { exp(-0.5 * pow(Double($0 - half) / sigma, 2)) }
        let total = taps.reduce(0, +)
        let kernel = taps.map { Float($0 / total) }
        var values = Array(sample)
        // Blur along each axis in turn; `inner` is the scalars between neighbours along the axis.
        for axis in spatial.indices {
            let inner = spatial[(axis + 1)...].reduce(1, *) * channels
            let size = spatial[axis]
            let outer = values.count / (size * inner)
            var out = [Float](repeating: 0, count: values.count)
            for o in 0..<outer {
                for i in 0..<size {
                    for k in 0..<length {
                        let source = i + k - half
                        guard source >= 0, source < size else { continue }
                        let weight = kernel[k]
                        let from = (o * size + source) * inner, to = (o * size + i) * inner
                        for j in 0..<inner { out[to + j] += weight * values[from + j] }
                    }
                }
            }
            values = out
        }
        return values
    }
}
