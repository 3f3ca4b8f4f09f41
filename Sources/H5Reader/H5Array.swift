/// A numeric dataset or attribute converted to Float32.
public struct H5Array: Sendable, Equatable {
    /// Declared dimensions; [] for a scalar.
    public let shape: [Int]
    /// Row-major values; `values.count == shape.reduce(1, *)`.
    public let values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "H5Array: \(values.count) values for shape \(shape)")
        self.shape = shape
        self.values = values
    }
}
