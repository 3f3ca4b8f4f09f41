import KerasLensGraph

/// `nodes` with each hard-swish as Keras's MobileNetV3 writes it, `x · (relu6(x + 3) · (1/6))` in four layers (an
/// add of 3, a ReLU capped at 6, a multiply by 1/6, a Multiply by `x`), as one `hard_silu` activation reading `x`
/// and named as the Multiply. The activation then fuses into the layer before like any other
/// (`inferenceNodes`), and one pass replaces four. The three inner layers must be read only by the next one;
/// naming one of them runs the plan that keeps every layer.
func foldingHardSwish(_ nodes: [Node], outputs: [String]) -> [Node] {
    let readers = readerCounts(of: nodes, outputs: outputs)
    let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    /// The node named `name` when only one layer reads it and it has `op`.
    func inner(_ name: String, _ matches: (Op) -> Bool) -> Node? {
        guard readers[name] == 1, let node = byName[name], node.inputs.count == 1, node.distributedAxes == 0,
              matches(node.op) else { return nil }
        return node
    }
    var absorbed: Set<String> = []
    var replaced: [String: Node] = [:]
    for multiply in nodes {
        guard case .merge(.multiply) = multiply.op, multiply.inputs.count == 2, multiply.distributedAxes == 0 else { continue }
        for side in 0..<2 {
            let x = multiply.inputs[1 - side]
            guard let sixth = inner(multiply.inputs[side], { $0 == .rescaling(scale: [1 / 6], offset: [0]) }),
                  let capped = inner(sixth.inputs[0], { $0 == .activation(.relu6) || $0 == .activation(.clippedReLU(maxValue: 6, negativeSlope: 0, threshold: 0)) }),
                  let shifted = inner(capped.inputs[0], { $0 == .rescaling(scale: [1], offset: [3]) }),
                  shifted.inputs == [x], byName[x]?.outputShape == multiply.outputShape else { continue }
            var activation = multiply
            activation.op = .activation(.hardSilu)
            activation.inputs = [x]
            replaced[multiply.name] = activation
            absorbed.formUnion([sixth.name, capped.name, shifted.name])
            break
        }
    }
    return nodes.compactMap { absorbed.contains($0.name) ? nil : replaced[$0.name] ?? $0 }
}
