extension Graph {
    /// The graph with `output` as its only output and only the nodes it needs, every input kept: a model with
    /// several outputs seen as the model of one of them, for what reads one output (scores, explanations).
    /// Returns nil when `output` is not one of the model's outputs.
    public func keepingOutput(_ output: String) -> Graph? {
        guard outputs.contains(output) else { return nil }
        var needed: Set<String> = [output]
        for node in nodes.reversed() where needed.contains(node.name) { needed.formUnion(node.inputs) }
        var kept = self
        kept.nodes = nodes.filter { needed.contains($0.name) || inputs.contains($0.name) }
        kept.outputs = [output]
        // A shared layer whose first call is left out: its first kept call holds the weights for the others.
        var holders: [String: String] = [:]
        for index in kept.nodes.indices {
            guard let owner = kept.nodes[index].weightsFrom, !needed.contains(owner) else { continue }
            if let holder = holders[owner] {
                kept.nodes[index].weightsFrom = holder
            } else {
                holders[owner] = kept.nodes[index].name
                kept.nodes[index].weightsFrom = nil
            }
        }
        return kept
    }
}
