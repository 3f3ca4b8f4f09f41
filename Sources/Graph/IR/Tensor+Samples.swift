/// Batch-first tensors split into and joined from runs of samples, for work done a pass at a time.
extension Tensor {
    /// Samples `range` of a batch-first tensor.
    public func samples(_ range: Range<Int>) -> Tensor {
        let size = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [range.count] + shape.dropFirst(), scalars: Array(scalars[(range.lowerBound * size)..<(range.upperBound * size)]))
    }

    /// Batch-first tensors of the same per-sample shape, one after another along the batch axis.
    public init(joiningSamples parts: [Tensor]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.shape.dropFirst() == parts[0].shape.dropFirst() },
                     "joined tensors need one per-sample shape")
        // One allocation of the final size: `flatMap` grew the array part by part, copying it again at each
        // doubling (integrated gradients join 50 passes' gradients and inputs per image).
        var scalars: [Float] = []
        scalars.reserveCapacity(parts.reduce(0) { $0 + $1.scalars.count })
        for part in parts { scalars.append(contentsOf: part.scalars) }
        self.init(shape: [parts.reduce(0) { $0 + $1.shape[0] }] + parts[0].shape.dropFirst(), scalars: scalars)
    }
}
