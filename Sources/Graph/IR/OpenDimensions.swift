/// Inputs with open (`None`) dimensions: `Input(shape=(None, 3))`. The graph keeps them as `openDimension` in the
/// input node's shape and in every shape that depends on them; a model runs at the sizes of the input it is given
/// (`Graph.specialized(inputShapes:)`), one size per batch.
public let openDimension = -1

extension Graph {
    /// Whether some input has an open dimension.
    public var hasOpenDimensions: Bool {
        inputs.contains { name in node(named: name)?.outputShape.contains(openDimension) ?? false }
    }

    /// The graph at concrete input shapes (`inputShapes` in the graph's input order; each per sample, matching the
    /// declared shape wherever that is not open): every node's shape inferred again, weights checked again. A layer
    /// that cannot take those sizes (a Flatten→Dense after an open axis, at another length than its kernel's) is
    /// refused with its name and the shapes it met.
    public func specialized(inputShapes: [[Int]]) throws(GraphError) -> Graph {
        guard inputShapes.count == inputs.count else {
            throw GraphError(.shape, "the model takes \(inputs.count) inputs, got shapes for \(inputShapes.count)")
        }
        var given: [String: [Int]] = [:]
        for (name, shape) in zip(inputs, inputShapes) {
            let declared = node(named: name)?.outputShape ?? []
            guard shape.count == declared.count,
                  zip(shape, declared).allSatisfy({ $1 == openDimension ? $0 >= 1 : $0 == $1 }) else {
                throw GraphError(.shape, layer: name, "input has per-sample shape \(shape), the model takes \(Self.describe(declared))")
            }
            do {
                try ShapeLimits.check(shape)
            } catch {
                throw GraphError(.shape, layer: name, "input \(error.detail)")
            }
            given[name] = shape
        }
        var result = self
        var shapes: [String: [Int]] = [:]
        for index in result.nodes.indices {
            let node = result.nodes[index]
            if node.op == .input {
                result.nodes[index].outputShape = given[node.name] ?? node.outputShape
            } else {
                let inputShapes = node.inputs.map { shapes[$0] ?? [] }
                do {
                    result.nodes[index].outputShape = try node.op.outputShape(inputs: inputShapes, weights: node.weights,
                                                                              distributedAxes: node.distributedAxes)
                } catch {
                    var attributed = error
                    attributed.layer = node.name
                    attributed.kerasClass = node.kerasClass
                    attributed.detail = "at input shape \(inputShapes.map(Self.describe).joined(separator: ", ")): \(error.detail)"
                    throw attributed
                }
            }
            shapes[node.name] = result.nodes[index].outputShape
        }
        return result
    }

    /// A shape as Keras prints it, open dimensions as `None`: `(None, 3)`.
    public static func describe(_ shape: [Int]) -> String {
        "(" + shape.map { $0 == openDimension ? "None" : String($0) }.joined(separator: ", ") + ")"
    }
}

extension Op {
    /// Sizes an open dimension is tried at to find which output dimensions depend on it: far apart, so that a
    /// stride or pooling does not map both to one size, and small enough to stay inside `ShapeLimits`.
    public static let openProbes = (53, 89)

    /// The output shape of the op over inputs that may hold open dimensions: inferred with every open size set to
    /// each probe in turn; an output dimension that differs between the two is open, the others are fixed. An op
    /// that cannot take an open size at all (a Dense over a flattened open axis) is refused, naming the shapes.
    public func symbolicOutputShape(inputs: [[Int]], weights: [String: Tensor], distributedAxes: Int) throws(GraphError) -> [Int] {
        guard inputs.contains(where: { $0.contains(openDimension) }) else {
            return try outputShape(inputs: inputs, weights: weights, distributedAxes: distributedAxes)
        }
        // A reshape to fixed sizes (Keras allows one after an open axis) fits one size only, which the probes need
        // not hit: its shape is its target, and a run at another size is refused when the model is specialised.
        if case .reshape(let target) = self, distributedAxes == 0 {
            try checkAttributes()
            try ShapeLimits.check(target)
            return target
        }
        func at(_ size: Int) throws(GraphError) -> [Int] {
            let concrete = inputs.map { $0.map { $0 == openDimension ? size : $0 } }
            do {
                return try outputShape(inputs: concrete, weights: weights, distributedAxes: distributedAxes)
            } catch {
                var refused = error
                refused.detail = "cannot take the open dimensions of input \(inputs.map(Graph.describe).joined(separator: ", ")) (at size \(size): \(error.detail))"
                throw refused
            }
        }
        let first = try at(Self.openProbes.0), second = try at(Self.openProbes.1)
        guard first.count == second.count else {
            throw GraphError(.shape, "the rank of the output depends on the open dimensions of input \(inputs.map(Graph.describe))")
        }
        return zip(first, second).map { $0 == $1 ? $0 : openDimension }
    }
}
