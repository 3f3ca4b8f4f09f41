import KerasLensGraph

extension Model {
    /// Runs the layers after `layer` with `tensor` (batch-first, the layer's per-sample shape) standing in for that
    /// layer's output; nothing upstream of it is recomputed. A model whose outputs also depend on branches that do
    /// not pass through `layer` needs `inputs` (same batch) to compute those branches.
    ///
    /// `layer` may also name a layer's linear part, `<layer>/preactivation`, for layers with a built-in activation.
    public func forward(from layer: String, substituting tensor: Tensor, inputs: [Tensor]? = nil,
                        capture layers: [String] = []) throws(RuntimeError) -> Outputs {
        if specializations != nil {
            guard let inputs, let specialized = try specialized(forInputs: inputs) else {
                throw requireConcreteShapesError("a forward pass from a layer")
            }
            return try specialized.forward(from: layer, substituting: tensor, inputs: inputs, capture: layers)
        }
        let plan = try plan(naming: [layer] + layers)
        let root = try step(named: layer, in: plan)
        let substitute = try tensor.batched(plan.steps[root].shape, name: layer)
        let batch = substitute.shape[0]
        let outputs = outputNames.map { plan.position[$0]! }
        let captured = try layers.map { name throws(RuntimeError) in try step(named: name, in: plan) }
        let targets = Set(outputs + captured)
        let needed = plan.upstream(of: targets, given: [root])
        let fromInputs = needed.subtracting(plan.downstream(of: root))
        var branchInputs: [Tensor]?
        if !fromInputs.isEmpty {
            guard let inputs else {
                let names = fromInputs.sorted().prefix(3).map { plan.steps[$0].name }.joined(separator: ", ")
                throw RuntimeError(.unsupported, layer: layer,
                                   "the outputs also depend on \(names), which do not come after this layer; pass the inputs too")
            }
            let (inputBatch, batched) = try checkInputs(inputs)
            guard inputBatch == batch else {
                throw RuntimeError(.inputShape, layer: layer, "the substituted tensor has \(batch) samples, the inputs \(inputBatch)")
            }
            branchInputs = batched
        }
        let skip = Set(plan.steps.indices).subtracting(needed)
        let pool = pools.take()
        defer { pools.give(pool) }
        let branchSteps = branchInputs == nil ? [] : inputSteps(in: plan)
        // Large batches (many ablations of one sample) run in passes, see `Plan.executeInPasses`.
        let parts = plan.executeInPasses(total: batch, limit: batch, given: branchSteps.union([root]), load: { range in
            var given: [Int: Plan.Buffer] = [root: pool.filled(with: substitute, samples: range)]
            if let branchInputs {
                given.merge(load(branchInputs, samples: range, plan: plan, pool: pool)) { substituted, _ in substituted }
            }
            return given
        }, keep: targets, skip: skip, pool: pool) { range, buffers in
            Outputs(buffers, of: plan, batch: range.count, outputs: outputs, captured: zip(layers, captured))
        }
        return Outputs(joining: parts)
    }
}

extension Model {
    /// Whether `forward(from: layer, …)` needs the inputs too: some output (or the logit) depends on a branch that
    /// does not pass through `layer`.
    public func forwardNeedsInputs(from layer: String) throws(RuntimeError) -> Bool {
        try requireConcreteShapes("whether a forward pass from a layer needs the inputs")
        let targets = outputNames + [scoreLayer(.logit)]
        let plan = try plan(naming: [layer] + targets)
        let root = try step(named: layer, in: plan)
        let needed = plan.upstream(of: Set(targets.map { plan.position[$0]! }), given: [root])
        return !needed.isSubset(of: plan.downstream(of: root))
    }
}

extension Model {
    /// The inference plan when it has every name, else the plan with split activations (which has them all).
    func plan(naming names: [String]) throws(RuntimeError) -> Plan {
        try names.allSatisfy { inference.position[$0] != nil } ? inference : differentiable
    }
}

extension Plan {
    /// Steps needed to compute `targets` when the steps in `given` are supplied (their own inputs are not needed).
    func upstream(of targets: Set<Int>, given: Set<Int>) -> Set<Int> {
        var result = targets
        for index in steps.indices.reversed() where result.contains(index) && !given.contains(index) {
            result.formUnion(steps[index].inputs)
        }
        return result
    }
}
