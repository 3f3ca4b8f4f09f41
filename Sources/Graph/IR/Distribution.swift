/// Shapes of ops distributed over leading per-sample axes (`Node.distributedAxes`, Keras's TimeDistributed): the op
/// sees the axes after them, the leading axes pass through unchanged.
extension Op {
    /// The output shape of the op applied to each position of the first `distributedAxes` axes of its inputs, which
    /// every input must share; with 0 axes, `outputShape(inputs:weights:)`. Attributes and weights are checked
    /// against the inner shapes (a TimeDistributed Dense's kernel against the features of one step).
    public func outputShape(inputs: [[Int]], weights: [String: Tensor], distributedAxes: Int) throws(GraphError) -> [Int] {
        guard distributedAxes > 0 else { return try outputShape(inputs: inputs, weights: weights) }
        guard self != .input else { throw GraphError(.shape, "an input is not distributed over axes") }
        let lead = try Self.distributedLead(inputs, axes: distributedAxes)
        let shape = lead + (try outputShape(inputs: inputs.map { Array($0.dropFirst(distributedAxes)) }, weights: weights))
        try ShapeLimits.check(shape)
        return shape
    }

    /// The leading axes shared by every input of an op distributed over `axes` axes; refuses inputs without axes
    /// after them or that disagree on them.
    public static func distributedLead(_ inputs: [[Int]], axes: Int) throws(GraphError) -> [Int] {
        guard let first = inputs.first else { throw GraphError(.shape, "a distributed op needs an input") }
        let lead = Array(first.prefix(axes))
        for input in inputs where input.count <= axes || Array(input.prefix(axes)) != lead {
            throw GraphError(.shape, "applied over the first \(axes) axes of its inputs \(inputs), which need more axes than that and the same sizes along them")
        }
        return lead
    }
}

extension Node {
    /// The per-sample shape each application of the op produces: `outputShape` without the distributed axes.
    public var innerOutputShape: [Int] { Array(outputShape.dropFirst(distributedAxes)) }
    /// How many applications of the op one sample holds: the product of the distributed axes' sizes (1 when none).
    public var distributedCount: Int { outputShape.prefix(distributedAxes).reduce(1, *) }
}
