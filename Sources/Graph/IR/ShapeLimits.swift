/// Bounds on the shapes and sizes a model file may declare. A file's numbers are untrusted: a batch_input_shape
/// of 10^12 elements, an Int.max window or a negative padding must be refused at load time with a message, not
/// reached by the runtime, which allocates from shapes and indexes with them.
public enum ShapeLimits {
    /// Most elements one sample may have at any node: 2^28 float32 values are 1 GiB, far beyond any model
    /// KerasLens is for, and a bound every product and sum of two shape sizes stays well inside `Int` with.
    public static let maxElementsPerSample = 1 << 28
    /// Largest size, stride, dilation, padding, multiplier or target dimension an op may carry; with
    /// `maxElementsPerSample` it keeps window extents and every intermediate shape arithmetic inside `Int`.
    public static let maxAttribute = 1 << 28

    /// The product of `shape`, or nil when a dimension is negative or the product overflows `Int`.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for size in shape {
            guard size >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// Refuses a per-sample shape with a dimension below 1 or more than `maxElementsPerSample` elements.
    package static func check(_ shape: [Int]) throws(GraphError) {
        guard shape.allSatisfy({ $0 >= 1 }) else {
            throw GraphError(.shape, "shape \(shape) has a dimension below 1")
        }
        guard let count = elementCount(shape), count <= maxElementsPerSample else {
            throw GraphError(.shape, "shape \(shape) has more than \(maxElementsPerSample) elements per sample")
        }
    }
}
