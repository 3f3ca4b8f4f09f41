/// Where a graph came from, kept for summaries and for choosing version-dependent semantics.
public struct GraphSource: Sendable, Equatable {
    /// `h5`, `keras` or `safetensors`.
    public var format: String
    public var kerasVersion: String?
    public var backend: String?

    public init(format: String, kerasVersion: String?, backend: String?) {
        self.format = format
        self.kerasVersion = kerasVersion
        self.backend = backend
    }
}

/// A framework-neutral model: nodes in topological order, each producing one tensor.
public struct Graph: Sendable, Equatable {
    public var nodes: [Node]
    /// Names of the input nodes, in the model's input order.
    public var inputs: [String]
    /// Names of the nodes whose outputs are the model's outputs, in order.
    public var outputs: [String]
    public var source: GraphSource

    public init(nodes: [Node], inputs: [String], outputs: [String], source: GraphSource) {
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.source = source
    }

    /// The position of the node with this name, if any.
    public func index(of name: String) -> Int? {
        nodes.firstIndex { $0.name == name }
    }

    public func node(named name: String) -> Node? {
        index(of: name).map { nodes[$0] }
    }

    /// Keras's parameter count: a shared layer's weights once.
    public var parameterCount: Int { nodes.filter { $0.weightsFrom == nil }.reduce(0) { $0 + $1.parameterCount } }

    /// The nodes that use `name`'s weights: the node itself and, for a shared layer, its other calls.
    public func callsSharingWeights(with name: String) -> [Node] {
        let owner = node(named: name).map { $0.weightsFrom ?? $0.name } ?? name
        return nodes.filter { $0.name == owner || $0.weightsFrom == owner }
    }
}
