import KerasLensGraph

/// The layer CAM methods read when none is named. The rule: the model's last layer whose output still has the
/// input's spatial (or time) axes — the layers after it have pooled or flattened them away; a global pooling that
/// keeps its axes as size 1, as MobileNet's head before its 1×1 convolution classifier, pools them away too — stepping back from a
/// layer that only passes an earlier layer's tensor on unchanged or reshaped (Dropout and other identities, Reshape,
/// Permute) to the layer that computed it. Xception gives `block14_sepconv2_act`, ResNet50 `conv5_block3_out`, the
/// course MNIST-1D model `conv1d_2`, HMT `max_pooling2d_1`.
public enum CAMLayerChoice {
    /// The chosen layer's name, or nil when no layer keeps spatial axes (a model of Dense layers).
    public static func pick(in graph: Graph) -> String? {
        guard let input = graph.inputs.first.flatMap(graph.node(named:)) else { return nil }
        // Token ids [time] gain a feature axis in their Embedding: the time axis is kept by outputs of one more axis.
        let tokens = graph.nodes.contains { $0.op == .embedding && $0.inputs == [input.name] }
        let rank = input.outputShape.count + (tokens ? 1 : 0)
        guard rank >= 2 else { return nil }
        var pooled = Set<String>()
        // Pooled when every input is: a squeeze-and-excitation block's product with its pooled scale keeps the axes.
        for node in graph.nodes where node.op.kind == .globalPool || (!node.inputs.isEmpty && node.inputs.allSatisfy(pooled.contains)) {
            pooled.insert(node.name)
        }
        // A Keras mask ([time, 1], `sequenceMask`) is no layer to explain.
        func isSpatial(_ node: Node) -> Bool {
            node.op != .input && node.op.kind != .sequenceMask && node.outputShape.count == rank && !pooled.contains(node.name)
        }
        guard var chosen = graph.nodes.last(where: isSpatial) else { return nil }
        while chosen.op.kind.passesValuesOn, chosen.inputs.count == 1, let source = graph.node(named: chosen.inputs[0]), isSpatial(source) {
            chosen = source
        }
        return chosen.name
    }
}
