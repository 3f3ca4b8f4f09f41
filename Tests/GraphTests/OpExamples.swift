@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import Testing

/// Examples of every op and activation kind, attributes away from their defaults, with inputs and weights that fit:
/// the lists the native round trip, the ONNX export and the catalogue tests walk. The switches are exhaustive, so a
/// new kind does not compile until it has an example here.
enum OpExamples {
    struct Example: Sendable, CustomTestStringConvertible {
        var op: Op
        /// Per-sample input shapes.
        var inputs: [[Int]]
        var weights: [String: Tensor] = [:]
        var testDescription: String { "\(op)" }
    }

    static let all: [Example] = OpKind.allCases.flatMap(examples)
    static let activations: [Activation] = ActivationKind.allCases.flatMap(activations)

    static func examples(_ kind: OpKind) -> [Example] {
        let window = Window(size: [3, 2], strides: [2, 1], dilations: [1, 2], padding: .same)
        let poolWindow = Window(size: [3, 2], strides: [2, 1], dilations: [1, 1], padding: .same)
        switch kind {
        case .input:
            return [Example(op: .input, inputs: [[3]])]
        case .dense:
            return [Example(op: .dense(activation: .softmax(axis: -1)), inputs: [[3, 4]],
                            weights: ["kernel": tensor([4, 5]), "bias": tensor([5])])]
        case .convolution:
            return [Example(op: .convolution(window: window, activation: .relu), inputs: [[6, 5, 2]],
                            weights: ["kernel": tensor([3, 2, 2, 3]), "bias": tensor([3])])]
        case .groupedConvolution:
            return [Example(op: .groupedConvolution(window: window, groups: 2, activation: .relu), inputs: [[6, 5, 4]],
                            weights: ["kernel": tensor([3, 2, 2, 6]), "bias": tensor([6])])]
        case .transposedConvolution:
            return [Example(op: .transposedConvolution(window: window, outputPadding: [1, 0], activation: .relu), inputs: [[3, 4, 2]],
                            weights: ["kernel": tensor([3, 2, 3, 2]), "bias": tensor([3])]),
                    Example(op: .transposedConvolution(window: Window(size: [2], strides: [3], dilations: [1], padding: .valid),
                                                       outputPadding: [2], activation: .linear),
                            inputs: [[4, 2]], weights: ["kernel": tensor([2, 3, 2])])]
        case .depthwiseConvolution:
            return [Example(op: .depthwiseConvolution(window: window, multiplier: 3, activation: .tanh), inputs: [[6, 5, 2]],
                            weights: ["depthwise_kernel": tensor([3, 2, 2, 3]), "bias": tensor([6])])]
        case .separableConvolution:
            let window = Window(size: [5], strides: [1], dilations: [1], padding: .valid)
            return [Example(op: .separableConvolution(window: window, multiplier: 2, activation: .linear), inputs: [[8, 2]],
                            weights: ["depthwise_kernel": tensor([5, 2, 2]), "pointwise_kernel": tensor([1, 4, 3])])]
        case .pool:
            return [PoolKind.max, .average].map { Example(op: .pool(kind: $0, window: poolWindow), inputs: [[6, 5, 2]]) }
        case .globalPool:
            return [Example(op: .globalPool(kind: .average, keepDims: true), inputs: [[4, 3, 2]]),
                    Example(op: .globalPool(kind: .max, keepDims: false), inputs: [[4, 3]]),
                    // GlobalAveragePooling1D with a Keras mask as its second input.
                    Example(op: .globalPool(kind: .average, keepDims: false), inputs: [[4, 3], [4, 1]])]
        case .flatten:
            return [Example(op: .flatten, inputs: [[2, 3]])]
        case .reshape:
            return [Example(op: .reshape(shape: [4, 5]), inputs: [[2, 10]])]
        case .permute:
            return [Example(op: .permute(order: [0, 2, 1]), inputs: [[2, 3]])]
        case .identity:
            return [Example(op: .identity, inputs: [[3]])]
        case .batchNormalization:
            return [Example(op: .batchNormalization(axis: 2, epsilon: 1e-3), inputs: [[3, 2]],
                            weights: ["gamma": tensor([2]), "beta": tensor([2]), "moving_mean": tensor([2]),
                                      "moving_variance": Tensor(shape: [2], scalars: [0.5, 2])])]
        case .activation:
            return activations.map { Example(op: .activation($0), inputs: [[3, 4]]) }
        case .prelu:
            return [Example(op: .prelu, inputs: [[3, 2]], weights: ["alpha": tensor([1, 2])])]
        case .merge:
            return [MergeKind.add, .subtract, .multiply, .divide, .average, .maximum, .minimum].map {
                Example(op: .merge($0), inputs: [[4], [4]])
            } + [Example(op: .merge(.multiply), inputs: [[3, 2, 4], [1, 1, 4]]),
                 Example(op: .merge(.average), inputs: [[2, 3], [2, 1], [3]])]
        case .linearCombination:
            return [Example(op: .linearCombination(coefficients: [1, 0.17]), inputs: [[3, 4], [3, 4]]),
                    Example(op: .linearCombination(coefficients: [0.5, -2, 1]), inputs: [[5], [5], [5]])]
        case .concatenate:
            return [Example(op: .concatenate(axis: 1), inputs: [[2, 2], [1, 2]])]
        case .zeroPadding:
            return [Example(op: .zeroPadding(pads: [[1, 2], [0, 3]]), inputs: [[3, 3, 1]])]
        case .cropping:
            return [Example(op: .cropping(crops: [[2, 1]]), inputs: [[6, 2]])]
        case .upsampling:
            return [Example(op: .upsampling(size: [2, 3]), inputs: [[2, 2, 1]])]
        case .reduce:
            return [Example(op: .reduce(kind: .sum, axes: [3], keepDims: true), inputs: [[2, 3, 4]]),
                    Example(op: .reduce(kind: .max, axes: [1, 3], keepDims: false), inputs: [[2, 3, 4]]),
                    Example(op: .reduce(kind: .min, axes: [2], keepDims: false), inputs: [[2, 3]]),
                    Example(op: .reduce(kind: .mean, axes: [1], keepDims: false), inputs: [[5, 2]])]
        case .resize:
            return [Example(op: .resize(size: [5, 3], interpolation: .bilinear), inputs: [[2, 4, 3]]),
                    Example(op: .resize(size: [3, 7], interpolation: .nearest), inputs: [[4, 3, 2]])]
        case .rescaling:
            return [Example(op: .rescaling(scale: [1.0 / 255], offset: [-0.5]), inputs: [[3, 3]]),
                    Example(op: .rescaling(scale: [1, 2, 3], offset: [0, 0.1, 0.2]), inputs: [[2, 3]])]
        case .normalization:
            return [Example(op: .normalization(axes: [1, 3], epsilon: 1e-7, invert: true), inputs: [[2, 3, 4]],
                            weights: ["mean": tensor([2, 4]), "variance": Tensor(shape: [2, 4], scalars: Array(repeating: 0.5, count: 8))])]
        case .layerNormalization:
            return [Example(op: .layerNormalization(axes: [3], epsilon: 1e-3, rmsScaling: false), inputs: [[2, 3, 4]],
                            weights: ["gamma": tensor([4]), "beta": tensor([4])]),
                    Example(op: .layerNormalization(axes: [1, 3], epsilon: 1e-5, rmsScaling: true), inputs: [[2, 3, 4]],
                            weights: ["gamma": tensor([2, 4])])]
        case .groupNormalization:
            return [Example(op: .groupNormalization(groups: 2, epsilon: 1e-3), inputs: [[2, 3, 4]],
                            weights: ["gamma": tensor([4]), "beta": tensor([4])]),
                    Example(op: .groupNormalization(groups: 3, epsilon: 1e-5), inputs: [[4, 6]], weights: ["beta": tensor([6])])]
        case .unitNormalization:
            return [Example(op: .unitNormalization(axes: [1, 3], epsilon: 1e-12), inputs: [[2, 3, 4]])]
        case .slice:
            return [Example(op: .slice(begin: [1, 0, 2], end: [2, 3, 4], strides: [1, 2, 1], shape: [2, 2]), inputs: [[2, 3, 4]])]
        case .embedding:
            return [Example(op: .embedding, inputs: [[5]], weights: ["embeddings": tensor([7, 3])]),
                    Example(op: .embedding, inputs: [[2, 3]], weights: ["embeddings": tensor([4, 2])])]
        case .sequenceMask:
            return [Example(op: .sequenceMask(value: 0), inputs: [[5]]),
                    Example(op: .sequenceMask(value: -1.5), inputs: [[4, 3]])]
        case .recurrent:
            let lstm = Recurrence(cell: .lstm, units: 2, activation: .relu, recurrentActivation: .hardSigmoidKeras2,
                                  returnSequences: true, goBackwards: true)
            let gru = Recurrence(cell: .gru, units: 3, activation: .tanh, recurrentActivation: .sigmoid, resetAfter: true,
                                 returnSequences: false, goBackwards: false)
            let rnn = Recurrence(cell: .simpleRNN, units: 2, activation: .linear, recurrentActivation: nil,
                                 returnSequences: true, goBackwards: false)
            // A lowered Bidirectional's backward half: reading backwards, its sequence flipped back in time order.
            var flipped = Recurrence(cell: .gru, units: 2, activation: .tanh, recurrentActivation: .sigmoid,
                                         resetAfter: true, returnSequences: true, goBackwards: true)
            flipped.flipsSequence = true
            return [Example(op: .recurrent(flipped), inputs: [[4, 3]],
                            weights: ["kernel": tensor([3, 6]), "recurrent_kernel": tensor([2, 6]), "bias": tensor([2, 6])]),
                    Example(op: .recurrent(lstm), inputs: [[4, 3]],
                            weights: ["kernel": tensor([3, 8]), "recurrent_kernel": tensor([2, 8]), "bias": tensor([8])]),
                    Example(op: .recurrent(gru), inputs: [[4, 3]],
                            weights: ["kernel": tensor([3, 9]), "recurrent_kernel": tensor([3, 9]), "bias": tensor([2, 9])]),
                    Example(op: .recurrent(rnn), inputs: [[4, 3]], weights: ["kernel": tensor([3, 2]), "recurrent_kernel": tensor([2, 2])]),
                    Example(op: .recurrent(Recurrence(cell: .gru, units: 2, activation: .tanh, recurrentActivation: .sigmoid,
                                                      resetAfter: false, returnSequences: true, goBackwards: false, merge: .concat)),
                            inputs: [[4, 3]],
                            weights: ["kernel": tensor([3, 6]), "recurrent_kernel": tensor([2, 6]), "bias": tensor([6]),
                                      "backward_kernel": tensor([3, 6]), "backward_recurrent_kernel": tensor([2, 6]),
                                      "backward_bias": tensor([6])])]
        case .attention:
            return attentionExamples
        }
    }

    /// Multi-head attention with a separate key, biases, a causal mask and a 2-D output shape, and without biases on
    /// [query, value]; Keras's Attention (dot, concat) and AdditiveAttention with and without their scales.
    static let attentionExamples: [Example] = {
        let heads = AttentionHeads(count: 2, keyDim: 3, valueDim: 2, outputShape: [2, 3])
        let projected: [String: Tensor] = [
            "query_kernel": tensor([4, 2, 3]), "query_bias": tensor([2, 3]), "key_kernel": tensor([5, 2, 3]),
            "key_bias": tensor([2, 3]), "value_kernel": tensor([3, 2, 2]), "value_bias": tensor([2, 2]),
            "output_kernel": tensor([2, 2, 2, 3]), "output_bias": tensor([2, 3])]
        let plain = AttentionHeads(count: 3, keyDim: 2, valueDim: 1, outputShape: [4])
        return [
            Example(op: .attention(Attention(score: .dot, causal: true, heads: heads)), inputs: [[4, 4], [6, 3], [6, 5]],
                    weights: projected),
            Example(op: .attention(Attention(score: .dot, causal: false, heads: plain)), inputs: [[5, 4], [3, 4]],
                    weights: ["query_kernel": tensor([4, 3, 2]), "key_kernel": tensor([4, 3, 2]), "value_kernel": tensor([4, 3, 1]),
                              "output_kernel": tensor([3, 1, 4])]),
            Example(op: .attention(Attention(score: .dot, causal: false)), inputs: [[4, 3], [5, 2], [5, 3]],
                    weights: ["scale": Tensor(shape: [], scalars: [0.7])]),
            Example(op: .attention(Attention(score: .concat, causal: true)), inputs: [[5, 3], [4, 3]],
                    weights: ["scale": Tensor(shape: [], scalars: [1.3]), "concat_score_weight": Tensor(shape: [], scalars: [-0.8])]),
            Example(op: .attention(Attention(score: .additive, causal: false)), inputs: [[4, 3], [5, 2], [5, 3]],
                    weights: ["scale": tensor([3])]),
            Example(op: .attention(Attention(score: .additive, causal: true)), inputs: [[4, 3], [4, 3]]),
            // Keras masks: Keras 3's multi-head attention with query, value and key masks (scores replaced),
            // tf-keras's with a value mask (scores lowered), Attention with query and value masks.
            Example(op: .attention(Attention(score: .dot, causal: true, heads: heads,
                                             masks: AttentionMasks(inputs: [.query, .value, .key], hidden: .replaced(by: Float(-0.7 * 3.38953e38))))),
                    inputs: [[4, 4], [6, 3], [6, 5], [4, 1], [6, 1], [6, 1]], weights: projected),
            Example(op: .attention(Attention(score: .dot, causal: false, heads: plain, masks: AttentionMasks(inputs: [.value], hidden: .lowered(by: 1e9)))),
                    inputs: [[5, 4], [3, 4], [3, 1]],
                    weights: ["query_kernel": tensor([4, 3, 2]), "key_kernel": tensor([4, 3, 2]), "value_kernel": tensor([4, 3, 1]),
                              "output_kernel": tensor([3, 1, 4])]),
            Example(op: .attention(Attention(score: .additive, causal: true, masks: AttentionMasks(inputs: [.query, .value], hidden: .lowered(by: 1e9)))),
                    inputs: [[4, 3], [5, 2], [5, 3], [4, 1], [5, 1]]),
        ]
    }()

    static func activations(_ kind: ActivationKind) -> [Activation] {
        switch kind {
        case .linear: return [.linear]
        case .relu: return [.relu]
        case .clippedReLU:
            return [.clippedReLU(maxValue: 6.5, negativeSlope: 0.1, threshold: -0.25),
                    .clippedReLU(maxValue: nil, negativeSlope: 0, threshold: 1)]
        case .relu6: return [.relu6]
        case .sigmoid: return [.sigmoid]
        case .hardSigmoidKeras2: return [.hardSigmoidKeras2]
        case .hardSigmoidKeras3: return [.hardSigmoidKeras3]
        case .tanh: return [.tanh]
        case .softmax: return [.softmax(axis: 2), .softmax(axis: -1)]
        case .softplus: return [.softplus]
        case .softsign: return [.softsign]
        case .elu: return [.elu(alpha: 0.7)]
        case .selu: return [.selu]
        case .swish: return [.swish]
        case .gelu: return [.gelu(approximate: true), .gelu(approximate: false)]
        case .exponential: return [.exponential]
        case .leakyReLU: return [.leakyReLU(alpha: 0.01)]
        case .mish: return [.mish]
        case .hardSilu: return [.hardSilu]
        case .logSoftmax: return [.logSoftmax(axis: 1), .logSoftmax(axis: -1)]
        case .celu: return [.celu]
        case .hardShrink: return [.hardShrink]
        case .softShrink: return [.softShrink]
        case .hardTanh: return [.hardTanh]
        case .logSigmoid: return [.logSigmoid]
        case .sparsePlus: return [.sparsePlus]
        case .sparseSigmoid: return [.sparseSigmoid]
        case .squareplus: return [.squareplus]
        case .tanhShrink: return [.tanhShrink]
        }
    }

    /// Deterministic values in [-1, 1).
    static func tensor(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { Float(($0 * 37 + 11) % 64) / 32 - 1 })
    }

    /// The graph `x0, x1, … → y` of one example (for `.input`, the input alone).
    static func graph(_ example: Example) throws -> Graph {
        let source = GraphSource(format: "h5", kerasVersion: nil, backend: nil)
        var nodes = example.inputs.enumerated().map { Node(name: "x\($0)", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: $1) }
        guard example.op != .input else { return Graph(nodes: nodes, inputs: ["x0"], outputs: ["x0"], source: source) }
        let shape = try example.op.outputShape(inputs: example.inputs, weights: example.weights)
        nodes.append(Node(name: "y", kerasClass: "Test", op: example.op, inputs: nodes.map(\.name), weights: example.weights, outputShape: shape))
        return Graph(nodes: nodes, inputs: nodes.dropLast().map(\.name), outputs: ["y"], source: source)
    }
}
