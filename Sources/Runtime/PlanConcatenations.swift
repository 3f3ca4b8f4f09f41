/// Channels-last concatenations an inference plan never copies whole.
///
/// DenseNet grows one concatenation through each block: every layer copies all of it to append its 32 channels
/// (2.4 ms of a 27 ms image for DenseNet121 on an Intel Xeon). A concatenation read only by later concatenations
/// and by normalized 1×1 projections (`NormalizedProjectionKernel`, which gathers the parts as it normalizes them)
/// is dropped from the plan: its readers take its parts instead. Its name goes with it, so a request naming it
/// (a captured layer, a partial forward from it) runs on the plan with split activations, which keeps every layer.
extension Plan {
    static func gatheringConcatenations(_ steps: [Step], position: [String: Int],
                                        outputs: Set<Int>) -> (steps: [Step], position: [String: Int]) {
        var readers = Array(repeating: [Int](), count: steps.count)
        for (index, step) in steps.enumerated() {
            for source in Set(step.inputs) { readers[source].append(index) }
        }
        func joinsChannels(_ index: Int) -> Bool {
            let step = steps[index]
            return step.kernel is ConcatenateKernel && !step.shape.isEmpty
                && step.inputs.allSatisfy { steps[$0].shape.count == step.shape.count && steps[$0].shape.dropLast() == step.shape.dropLast() }
        }
        func gathers(_ reader: Int, from source: Int) -> Bool {
            let step = steps[reader]
            if joinsChannels(reader) { return true }
            guard let projection = step.kernel as? NormalizedProjectionKernel else { return false }
            return projection.widths.count == 1 && step.inputs[0] == source && !step.inputs.dropFirst().contains(source)
        }
        let gathered = Set(steps.indices.filter { index in
            joinsChannels(index) && !outputs.contains(index) && readers[index].allSatisfy { gathers($0, from: index) }
        })
        guard !gathered.isEmpty else { return (steps, position) }

        var rewritten: [Step] = []
        var parts: [Int: [Int]] = [:]
        for (index, original) in steps.enumerated() {
            var step = original
            if step.inputs.contains(where: gathered.contains) {
                if let projection = step.kernel as? NormalizedProjectionKernel {
                    let joined = parts[step.inputs[0]]!
                    step.kernel = projection.gathering(joined.map { steps[$0].shape.last! })
                    step.inputs = joined + step.inputs.dropFirst()
                } else {
                    step.inputs = step.inputs.flatMap { parts[$0] ?? [$0] }
                    step.kernel = ConcatenateKernel(axis: step.shape.count,
                                                    shapes: KernelShapes(inputs: step.inputs.map { steps[$0].shape }, output: step.shape))
                }
            }
            if gathered.contains(index) { parts[index] = step.inputs }
            rewritten.append(step)
        }

        // Drop the gathered steps and number the rest again.
        var renumbered = Array(repeating: -1, count: steps.count)
        var kept: [Step] = []
        for (index, step) in rewritten.enumerated() where !gathered.contains(index) {
            renumbered[index] = kept.count
            kept.append(step)
        }
        for index in kept.indices { kept[index].inputs = kept[index].inputs.map { renumbered[$0] } }
        let named = position.compactMapValues { renumbered[$0] >= 0 ? renumbered[$0] : nil }
        return (kept, named)
    }
}
