import Graph

extension Model {
    /// The forward pass of a gradient call, split between the two plans. The steps the backward pass walks, and
    /// whatever their backward reads that only the differentiable plan has (a split pre-activation), run in the
    /// differentiable plan; everything below them comes from the inference plan, whose fused kernels (direct
    /// convolution, bias and ReLU in registers) are faster. Grad-CAM on a deep layer thus costs about one inference
    /// pass plus a short backward walk; saliency and integrated gradients walk back to the input, so for them
    /// everything runs in the differentiable plan as before.
    ///
    /// Returns the differentiable plan's buffers of `keep`.
    func gradientForward(_ inputs: [Tensor], samples range: Range<Int>, region: Set<Int>, keep: Set<Int>,
                         pool: BufferPool) -> [Int: Plan.Buffer] {
        let plan = differentiable, batch = range.count
        // Input steps (no kernel) are always loaded, through the inference plan.
        var supplied = region.filter { plan.steps[$0].kernel == nil }
        var computed = region.subtracting(supplied)
        var pending = Array(keep.subtracting(region))
        for step in computed { pending += plan.steps[step].inputs }
        while let step = pending.popLast() {
            guard !computed.contains(step), !supplied.contains(step) else { continue }
            if inference.position[plan.steps[step].name] != nil {
                supplied.insert(step)
            } else {
                computed.insert(step)
                pending += plan.steps[step].inputs
            }
        }
        let sources = Dictionary(uniqueKeysWithValues: supplied.map { (inference.position[plan.steps[$0].name]!, $0) })
        let below = inference.upstream(of: Set(sources.keys), given: [])
        let early = inference.execute(batch: batch, given: load(inputs, samples: range, plan: inference, pool: pool),
                                      keep: Set(sources.keys), skip: Set(inference.steps.indices).subtracting(below), pool: pool)
        let given = Dictionary(uniqueKeysWithValues: early.map { (sources[$0.key]!, $0.value) })
        return plan.execute(batch: batch, given: given, keep: keep,
                            skip: Set(plan.steps.indices).subtracting(computed.union(supplied)), pool: pool)
    }
}
