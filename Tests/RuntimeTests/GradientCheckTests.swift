import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Backward passes checked against central finite differences of the forward pass, op by op.
@Suite struct GradientCheckTests {
    /// A graph of one op over inputs of the given per-sample shapes.
    /// With `distributedAxes`, the op runs on each position of that many leading axes (TimeDistributed).
    func model(_ op: Op, inputs shapes: [[Int]], weights: [String: Tensor] = [:], distributedAxes: Int = 0) throws -> Model {
        var nodes = shapes.enumerated().map { Node(name: "x\($0)", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: $1) }
        let output = try op.outputShape(inputs: shapes, weights: weights, distributedAxes: distributedAxes)
        var node = Node(name: "y", kerasClass: "Test", op: op, inputs: nodes.map(\.name), weights: weights, outputShape: output)
        node.distributedAxes = distributedAxes
        nodes.append(node)
        return try Model(Graph(nodes: nodes, inputs: nodes.dropLast().map(\.name), outputs: ["y"],
                               source: GraphSource(format: "test", kerasVersion: nil, backend: nil)))
    }

    /// Deterministic values in [-1.5, 1.5] kept away from 0 so relu-like kinks are not straddled.
    func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { i in
            let v = Float(((i + 1) * 7919 + seed * 104_729) % 1000) / 1000 * 3 - 1.5
            return abs(v) < 0.05 ? v + 0.1 : v
        }
    }

    /// `given` holds inputs that are not differentiable (token ids, masks): their values are used as they are, and
    /// instead of finite differences, which a step function does not have, their gradient must be exactly zero.
    /// `everyElement` checks every input element instead of the first, middle and last.
    func check(_ op: Op, inputs shapes: [[Int]], weights: [String: Tensor] = [:], distributedAxes: Int = 0, batch: Int = 2,
               given: [Int: [Float]] = [:], tolerance: Float = 3e-3, everyElement: Bool = false,
               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let model = try model(op, inputs: shapes, weights: weights, distributedAxes: distributedAxes)
        let inputs = shapes.enumerated().map {
            Tensor(shape: [batch] + $1, scalars: given[$0] ?? values(batch * $1.reduce(1, *), seed: $0))
        }
        let outputWidth = model.outputShapes[0].reduce(1, *)
        let names = shapes.indices.map { "x\($0)" }
        for output in Set([0, outputWidth / 2, outputWidth - 1]) {
            let classes = Array(repeating: output, count: batch)
            let analytic = try model.gradients(inputs, classes: classes, withRespectTo: names)
            for (inputIndex, name) in names.enumerated() {
                let gradient = try #require(analytic.gradients[name])
                if given[inputIndex] != nil {
                    #expect(gradient.scalars.allSatisfy { $0 == 0 }, "\(op): ∂y/∂\(name) is not zero", sourceLocation: sourceLocation)
                    continue
                }
                let count = inputs[inputIndex].count
                for element in everyElement ? Set(0..<count) : Set([0, count / 2, count - 1]) {
                    let h: Float = 2e-3
                    var plus = inputs, minus = inputs
                    plus[inputIndex].scalars[element] += h
                    minus[inputIndex].scalars[element] -= h
                    let sample = element / shapes[inputIndex].reduce(1, *)
                    let up = try model.run(plus).outputs[0].scalars[sample * outputWidth + output]
                    let down = try model.run(minus).outputs[0].scalars[sample * outputWidth + output]
                    let numeric = (up - down) / (2 * h)
                    #expect(abs(numeric - gradient.scalars[element]) <= tolerance * max(1, abs(numeric)),
                            "\(op): ∂y[\(output)]/∂\(name)[\(element)] is \(gradient.scalars[element]), finite difference \(numeric)",
                            sourceLocation: sourceLocation)
                }
            }
        }
    }

    func weights(_ shape: [Int], seed: Int, scale: Float = 1) -> Tensor {
        Tensor(shape: shape, scalars: values(shape.reduce(1, *), seed: seed).map { $0 * scale })
    }

    /// Every op kind of the catalogue: the switch is exhaustive, so a new op does not compile until it is checked here.
    @Test(arguments: OpKind.allCases)
    func backwardMatchesFiniteDifferences(_ kind: OpKind) throws {
        switch kind {
        case .input:
            break  // Gradients stop at the inputs; there is no backward pass to check.
        case .dense:
            try check(.dense(activation: .tanh), inputs: [[3, 4]], weights: ["kernel": weights([4, 5], seed: 3), "bias": weights([5], seed: 4)])
            try check(.dense(activation: .softmax(axis: 1)), inputs: [[4]], weights: ["kernel": weights([4, 3], seed: 5)])
        case .convolution:
            for padding in [Padding.same, .valid] {
                try check(.convolution(window: window([3], strides: [2], padding), activation: .relu), inputs: [[7, 2]],
                          weights: ["kernel": weights([3, 2, 3], seed: 6), "bias": weights([3], seed: 7)])
            }
            try check(.convolution(window: window([2, 3], dilations: [2, 1], .same), activation: .linear), inputs: [[5, 4, 2]],
                      weights: ["kernel": weights([2, 3, 2, 3], seed: 8)])
        case .groupedConvolution:
            try check(.groupedConvolution(window: window([3, 2], strides: [2, 1], .same), groups: 3, activation: .relu),
                      inputs: [[5, 4, 6]], weights: ["kernel": weights([3, 2, 2, 6], seed: 13), "bias": weights([6], seed: 14)])
            try check(.groupedConvolution(window: window([3], dilations: [2], .valid), groups: 2, activation: .linear),
                      inputs: [[8, 4]], weights: ["kernel": weights([3, 2, 4], seed: 15)])
        case .transposedConvolution:
            try check(.transposedConvolution(window: window([3, 2], strides: [2, 3], .same), outputPadding: [1, 2], activation: .relu),
                      inputs: [[3, 2, 3]], weights: ["kernel": weights([3, 2, 2, 3], seed: 17), "bias": weights([2], seed: 18)])
            try check(.transposedConvolution(window: window([4, 2], strides: [2, 2], .same), outputPadding: [2, 0], activation: .linear),
                      inputs: [[2, 3, 2]], weights: ["kernel": weights([4, 2, 3, 2], seed: 19)])
            try check(.transposedConvolution(window: window([3], dilations: [2], .valid), outputPadding: [0], activation: .linear),
                      inputs: [[4, 3]], weights: ["kernel": weights([3, 2, 3], seed: 20), "bias": weights([2], seed: 21)])
            // A one-tap window whose output reaches past the full result: the last positions are the bias alone.
            try check(.transposedConvolution(window: window([1], strides: [3], .same), outputPadding: [2], activation: .tanh),
                      inputs: [[3, 2]], weights: ["kernel": weights([1, 2, 2], seed: 22), "bias": weights([2], seed: 23)])
        case .depthwiseConvolution:
            try check(.depthwiseConvolution(window: window([3, 3], strides: [2, 2], .same), multiplier: 2, activation: .elu(alpha: 1)),
                      inputs: [[5, 5, 2]], weights: ["depthwise_kernel": weights([3, 3, 2, 2], seed: 9), "bias": weights([4], seed: 10)])
            // One filter per channel at a stride (MobileNet's downsampling layers), 1-D at stride 3, and dilated:
            // the loops that gather each input element's products.
            try check(.depthwiseConvolution(window: window([3, 3], strides: [2, 2], .valid), multiplier: 1, activation: .linear),
                      inputs: [[7, 6, 3]], weights: ["depthwise_kernel": weights([3, 3, 3, 1], seed: 60)])
            try check(.depthwiseConvolution(window: window([2], strides: [3], .same), multiplier: 1, activation: .linear),
                      inputs: [[10, 2]], weights: ["depthwise_kernel": weights([2, 2, 1], seed: 61)])
            try check(.depthwiseConvolution(window: window([3], dilations: [2], .valid), multiplier: 2, activation: .linear),
                      inputs: [[9, 2]], weights: ["depthwise_kernel": weights([3, 2, 2], seed: 62)])
        case .separableConvolution:
            try check(.separableConvolution(window: window([3], .valid), multiplier: 2, activation: .swish), inputs: [[6, 2]],
                      weights: ["depthwise_kernel": weights([3, 2, 2], seed: 11), "pointwise_kernel": weights([1, 4, 3], seed: 12)])
        case .pool:
            for kind in [PoolKind.max, .average] {
                try check(.pool(kind: kind, window: window([2, 2], strides: [2, 2], .same)), inputs: [[5, 3, 2]])
            }
        case .globalPool:
            for kind in [PoolKind.max, .average] {
                try check(.globalPool(kind: kind, keepDims: false), inputs: [[4, 3]])
            }
        case .flatten:
            try check(.flatten, inputs: [[2, 3]])
        case .reshape:
            try check(.reshape(shape: [3, 2]), inputs: [[2, 3]])
        case .permute:
            try check(.permute(order: [0, 2, 1]), inputs: [[2, 3]])
        case .identity:
            try check(.identity, inputs: [[3]])
        case .batchNormalization:
            try check(.batchNormalization(axis: 2, epsilon: 1e-3), inputs: [[3, 2]],
                      weights: ["gamma": weights([2], seed: 13), "beta": weights([2], seed: 14),
                                "moving_mean": weights([2], seed: 15), "moving_variance": Tensor(shape: [2], scalars: [0.5, 2])])
        case .activation:
            for activation in ActivationKind.allCases.flatMap(Self.activations) {
                try check(.activation(activation), inputs: [[3, 2]])
            }
        case .prelu:
            try check(.prelu, inputs: [[3, 2]], weights: ["alpha": weights([1, 2], seed: 16)])
        case .merge:
            for kind in [MergeKind.add, .subtract, .multiply, .divide, .average, .maximum, .minimum] {
                try check(.merge(kind), inputs: [[4], [4]])
                // Squeeze-and-excitation's [H, W, C] with [1, 1, C], and [C] against a per-position [H, W, 1].
                try check(.merge(kind), inputs: [[3, 2, 4], [1, 1, 4]])
                try check(.merge(kind), inputs: [[3], [2, 2, 1]])
            }
            for kind in [MergeKind.add, .multiply, .average, .maximum, .minimum] {
                try check(.merge(kind), inputs: [[2, 3], [2, 1], [3]])
            }
            // Channels enough that the repeated input's gradient is split by columns over the cores.
            try check(.merge(.multiply), inputs: [[2, 3, 40], [1, 1, 40]])
        case .linearCombination:
            try check(.linearCombination(coefficients: [1, 0.17]), inputs: [[3, 2], [3, 2]])
            try check(.linearCombination(coefficients: [0.5, -2, 1.5]), inputs: [[4], [4], [4]])
        case .concatenate:
            try check(.concatenate(axis: 1), inputs: [[2, 2], [1, 2]])
        case .zeroPadding:
            try check(.zeroPadding(pads: [[1, 0], [0, 2]]), inputs: [[2, 2, 1]])
        case .cropping:
            try check(.cropping(crops: [[1, 0], [0, 1]]), inputs: [[3, 3, 1]])
        case .upsampling:
            try check(.upsampling(size: [2]), inputs: [[3, 2]])
        case .reduce:
            try checkReductions()
        case .resize:
            try checkResizing()
        case .rescaling:
            try check(.rescaling(scale: [2, -1], offset: [0.5]), inputs: [[3, 2]])
        case .normalization:
            try check(.normalization(axes: [2], epsilon: 1e-7, invert: false), inputs: [[3, 2]],
                      weights: ["mean": weights([2], seed: 17), "variance": Tensor(shape: [2], scalars: [0.5, 2])])
            try check(.normalization(axes: [2], epsilon: 1e-7, invert: true), inputs: [[3, 2]],
                      weights: ["mean": weights([2], seed: 17), "variance": Tensor(shape: [2], scalars: [0.5, 2])])
        case .layerNormalization:
            try check(.layerNormalization(axes: [2], epsilon: 1e-3, rmsScaling: false), inputs: [[3, 4]],
                      weights: ["gamma": weights([4], seed: 18), "beta": weights([4], seed: 19)])
            try check(.layerNormalization(axes: [1, 3], epsilon: 1e-3, rmsScaling: false), inputs: [[2, 3, 2]],
                      weights: ["gamma": weights([2, 2], seed: 20)])
            try check(.layerNormalization(axes: [1, 2], epsilon: 1e-3, rmsScaling: true), inputs: [[3, 2]],
                      weights: ["gamma": weights([3, 2], seed: 21)])
        case .groupNormalization, .unitNormalization:
            try checkGroupAndUnitNormalization()
        case .slice:
            try check(.slice(begin: [1, 0, 1], end: [3, 3, 3], strides: [1, 2, 1], shape: [2, 2, 2]), inputs: [[3, 4, 3]])
            try check(.slice(begin: [1, 0], end: [2, 4], strides: [1, 3], shape: [2, 1]), inputs: [[3, 4]])
        case .embedding, .sequenceMask:
            try checkEmbeddingAndMasks()
        case .recurrent:
            for recurrence in Self.recurrences {
                let gates = recurrence.cell.gateCount * 4
                let bias = recurrence.resetAfter ? [2, gates] : [gates]
                var parameters: [String: Tensor] = [:]
                for backward in recurrence.directions {
                    let seed = backward ? 20 : 13
                    parameters[Recurrence.weightName("kernel", backward: backward)] = weights([3, gates], seed: seed, scale: 0.5)
                    parameters[Recurrence.weightName("recurrent_kernel", backward: backward)] = weights([4, gates], seed: seed + 1, scale: 0.5)
                    parameters[Recurrence.weightName("bias", backward: backward)] = weights(bias, seed: seed + 2, scale: 0.5)
                }
                try check(.recurrent(recurrence), inputs: [[5, 3]], weights: parameters)
            }
            try checkMaskedRecurrences()
        case .attention:
            try checkAttention()
        }
    }

    /// Every input element of each attention example (a separate key, the value as key, causal masks, every
    /// score), with weights scaled so that the softmax is neither flat nor saturated.
    func checkAttention() throws {
        let heads = AttentionHeads(count: 2, keyDim: 3, valueDim: 2, outputShape: [2, 3])
        var projected: [String: Tensor] = [:]
        for (seed, (name, shape)) in [("query_kernel", [4, 2, 3]), ("query_bias", [2, 3]), ("key_kernel", [5, 2, 3]),
                                      ("key_bias", [2, 3]), ("value_kernel", [3, 2, 2]), ("value_bias", [2, 2]),
                                      ("output_kernel", [2, 2, 2, 3]), ("output_bias", [2, 3])].enumerated() {
            projected[name] = weights(shape, seed: 30 + seed, scale: 0.6)
        }
        try check(.attention(Attention(score: .dot, causal: true, heads: heads)), inputs: [[4, 4], [6, 3], [6, 5]],
                  weights: projected, everyElement: true)
        let plain = ["query_kernel": weights([3, 2, 2], seed: 40, scale: 0.7), "key_kernel": weights([3, 2, 2], seed: 41, scale: 0.7),
                     "value_kernel": weights([3, 2, 1], seed: 42), "output_kernel": weights([2, 1, 3], seed: 43)]
        try check(.attention(Attention(score: .dot, causal: false, heads: AttentionHeads(count: 2, keyDim: 2, valueDim: 1, outputShape: [3]))),
                  inputs: [[5, 3], [4, 3]], weights: plain, everyElement: true)
        let scalar = { (value: Float) in Tensor(shape: [], scalars: [value]) }
        try check(.attention(Attention(score: .dot, causal: false)), inputs: [[4, 3], [5, 2], [5, 3]],
                  weights: ["scale": scalar(0.7)], everyElement: true)
        try check(.attention(Attention(score: .dot, causal: true)), inputs: [[4, 3], [4, 3]], everyElement: true)
        try check(.attention(Attention(score: .concat, causal: true)), inputs: [[5, 3], [4, 3]],
                  weights: ["scale": scalar(1.3), "concat_score_weight": scalar(-0.8)], everyElement: true)
        try check(.attention(Attention(score: .concat, causal: false)), inputs: [[3, 2], [4, 3], [4, 2]],
                  weights: ["concat_score_weight": scalar(1.1)], everyElement: true)
        try check(.attention(Attention(score: .additive, causal: false)), inputs: [[4, 3], [5, 2], [5, 3]],
                  weights: ["scale": weights([3], seed: 44)], everyElement: true)
        try check(.attention(Attention(score: .additive, causal: true)), inputs: [[4, 3], [4, 3]], everyElement: true)
        try checkMaskedAttention(heads: heads, projected: projected, plain: plain)
    }

    /// Attention with Keras masks (given as 0s and 1s, their gradient zero): replaced scores with fully hidden rows
    /// (masked queries of multi-head attention; no gradient reaches them), lowered scores with a visible key in every
    /// row (a fully hidden row of lowered scores is flat in float32 — −1e9 absorbs the score — while TensorFlow's
    /// gradient, like KerasLens's, passes through the subtraction), and query rows zeroed by Attention.
    func checkMaskedAttention(heads: AttentionHeads, projected: [String: Tensor], plain: [String: Tensor]) throws {
        let replaced = AttentionMasks(inputs: [.query, .value, .key], hidden: .replaced(by: Float(-0.7 * 3.38953e38)))
        try check(.attention(Attention(score: .dot, causal: true, heads: heads, masks: replaced)),
                  inputs: [[4, 4], [6, 3], [6, 5], [4, 1], [6, 1], [6, 1]], weights: projected,
                  given: [3: [1, 0, 1, 1, 0, 1, 1, 0], 4: [1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1], 5: [1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1]],
                  everyElement: true)
        let lowered = AttentionMasks(inputs: [.value], hidden: .lowered(by: 1e9))
        try check(.attention(Attention(score: .dot, causal: false, heads: AttentionHeads(count: 2, keyDim: 2, valueDim: 1, outputShape: [3]), masks: lowered)),
                  inputs: [[5, 3], [4, 3], [4, 1]], weights: plain, given: [2: [1, 0, 1, 0, 0, 1, 1, 1]], everyElement: true)
        let rows = AttentionMasks(inputs: [.query, .value], hidden: .lowered(by: 1e9))
        let scalar = { (value: Float) in Tensor(shape: [], scalars: [value]) }
        try check(.attention(Attention(score: .dot, causal: false, masks: rows)), inputs: [[4, 3], [5, 2], [5, 3], [4, 1], [5, 1]],
                  weights: ["scale": scalar(0.7)], given: [3: [1, 0, 1, 1, 0, 1, 1, 0], 4: [1, 1, 0, 1, 0, 0, 1, 1, 1, 1]],
                  everyElement: true)
        try check(.attention(Attention(score: .additive, causal: true, masks: rows)), inputs: [[4, 3], [4, 3], [4, 1], [4, 1]],
                  given: [2: [1, 1, 0, 1, 0, 1, 1, 1], 3: [1, 0, 1, 1, 1, 1, 0, 1]], everyElement: true)
    }

    /// TimeDistributed: the op's backward pass over the batch times the distributed positions, with an activation
    /// split off (a softmax over the steps' features), several inputs, a recurrence per step and two wrappers.
    @Test func distributedBackwardMatchesFiniteDifferences() throws {
        try check(.dense(activation: .softmax(axis: 1)), inputs: [[3, 4]], weights: ["kernel": weights([4, 3], seed: 31)],
                  distributedAxes: 1)
        try check(.convolution(window: window([3], strides: [1], .same), activation: .tanh), inputs: [[3, 5, 2]],
                  weights: ["kernel": weights([3, 2, 3], seed: 32), "bias": weights([3], seed: 33)], distributedAxes: 1)
        try check(.pool(kind: .max, window: window([2, 2], strides: [2, 2], .valid)), inputs: [[2, 4, 4, 1]], distributedAxes: 1)
        try check(.globalPool(kind: .average, keepDims: false), inputs: [[3, 4, 2]], distributedAxes: 1)
        try check(.flatten, inputs: [[2, 3, 2, 2]], distributedAxes: 2)
        try check(.batchNormalization(axis: 2, epsilon: 1e-3), inputs: [[2, 3, 2]],
                  weights: ["gamma": weights([2], seed: 34), "beta": weights([2], seed: 35),
                            "moving_mean": weights([2], seed: 36), "moving_variance": Tensor(shape: [2], scalars: [0.5, 2])],
                  distributedAxes: 1)
        try check(.merge(.multiply), inputs: [[3, 2], [3, 2]], distributedAxes: 1)
        let lstm = Recurrence(cell: .lstm, units: 3, activation: .tanh, recurrentActivation: .sigmoid, returnSequences: false, goBackwards: false)
        try check(.recurrent(lstm), inputs: [[2, 4, 3]],
                  weights: ["kernel": weights([3, 12], seed: 37, scale: 0.5), "recurrent_kernel": weights([3, 12], seed: 38, scale: 0.5),
                            "bias": weights([12], seed: 39)], distributedAxes: 1)
    }

    // The checks of the newer ops live in functions of their own: each `check` call adds to the stack frame of the
    // switch above, which overflowed the test thread's stack in debug builds.

    /// Masks with steps off at the start, middle and end (two samples of five steps): skipped steps carry the state.
    static let stepMasks: [Float] = [0, 1, 1, 0, 1, 1, 1, 0, 1, 0]

    func checkMaskedRecurrences() throws {
        for var recurrence in Self.recurrences {
            recurrence.zeroOutputForMask = (recurrence.merge != nil || recurrence.flipsSequence) && recurrence.returnSequences
            let gates = recurrence.cell.gateCount * 4
            var parameters: [String: Tensor] = [:]
            for backward in recurrence.directions {
                let seed = backward ? 30 : 33
                parameters[Recurrence.weightName("kernel", backward: backward)] = weights([3, gates], seed: seed, scale: 0.5)
                parameters[Recurrence.weightName("recurrent_kernel", backward: backward)] = weights([4, gates], seed: seed + 1, scale: 0.5)
                if !recurrence.resetAfter {
                    parameters[Recurrence.weightName("bias", backward: backward)] = weights([gates], seed: seed + 2, scale: 0.5)
                }
            }
            try check(.recurrent(recurrence), inputs: [[5, 3], [5, 1]], weights: parameters, given: [1: Self.stepMasks])
        }
    }

    func checkEmbeddingAndMasks() throws {
        // Ids are not differentiable (the embedding is a step function of them): their gradient must be zero.
        try check(.embedding, inputs: [[4]], weights: ["embeddings": weights([6, 3], seed: 40)], given: [0: [0, 5, 2, 2, 1, 0, 3, 4]])
        try check(.sequenceMask(value: 0), inputs: [[5, 2]], given: [0: [0, 0, 1, 2, 0, 0, 3, 0, 0, 0] + [0, 1, 0, 0, 2, 2, 0, 0, 1, 1]])
        try check(.globalPool(kind: .average, keepDims: false), inputs: [[5, 3], [5, 1]], given: [1: Self.stepMasks])
    }

    func checkReductions() throws {
        for kind in [ReduceKind.mean, .sum, .max, .min] {
            try check(.reduce(kind: kind, axes: [3], keepDims: false), inputs: [[2, 3, 4]])
            try check(.reduce(kind: kind, axes: [1, 3], keepDims: true), inputs: [[2, 3, 4]])
        }
    }

    func checkResizing() throws {
        try check(.resize(size: [6, 4], interpolation: .bilinear), inputs: [[3, 2, 2]])
        try check(.resize(size: [2, 5], interpolation: .bilinear), inputs: [[5, 3, 1]])
        try check(.resize(size: [5, 2], interpolation: .nearest), inputs: [[3, 4, 2]])
    }

    func checkGroupAndUnitNormalization() throws {
        try check(.groupNormalization(groups: 2, epsilon: 1e-3), inputs: [[3, 2, 4]],
                  weights: ["gamma": weights([4], seed: 22), "beta": weights([4], seed: 23)])
        try check(.groupNormalization(groups: 3, epsilon: 1e-5), inputs: [[4, 3]])
        try check(.unitNormalization(axes: [2], epsilon: 1e-12), inputs: [[3, 4]])
        try check(.unitNormalization(axes: [1, 3], epsilon: 1e-6), inputs: [[2, 3, 2]])
    }

    /// Every cell, reading both ways, sequences and last states, with the gate and state activations varied.
    static let recurrences: [Recurrence] = [
        Recurrence(cell: .lstm, units: 4, activation: .tanh, recurrentActivation: .sigmoid, returnSequences: true, goBackwards: false),
        Recurrence(cell: .lstm, units: 4, activation: .softsign, recurrentActivation: .hardSigmoidKeras3, returnSequences: false, goBackwards: true),
        Recurrence(cell: .gru, units: 4, activation: .tanh, recurrentActivation: .sigmoid, resetAfter: true, returnSequences: true, goBackwards: true),
        Recurrence(cell: .gru, units: 4, activation: .tanh, recurrentActivation: .sigmoid, resetAfter: false, returnSequences: false, goBackwards: false),
        Recurrence(cell: .gru, units: 4, activation: .elu(alpha: 1), recurrentActivation: .sigmoid, resetAfter: false, returnSequences: true, goBackwards: false),
        Recurrence(cell: .simpleRNN, units: 4, activation: .tanh, recurrentActivation: nil, returnSequences: true, goBackwards: true),
        Recurrence(cell: .simpleRNN, units: 4, activation: .linear, recurrentActivation: nil, returnSequences: false, goBackwards: false),
        Recurrence(cell: .lstm, units: 4, activation: .tanh, recurrentActivation: .sigmoid, returnSequences: true, goBackwards: false,
                   merge: .concat),
        Recurrence(cell: .gru, units: 4, activation: .tanh, recurrentActivation: .sigmoid, resetAfter: true, returnSequences: false,
                   goBackwards: false, merge: .mul),
        Recurrence(cell: .simpleRNN, units: 4, activation: .tanh, recurrentActivation: nil, returnSequences: true, goBackwards: false,
                   merge: .ave),
        Recurrence(cell: .gru, units: 4, activation: .tanh, recurrentActivation: .sigmoid, resetAfter: false, returnSequences: true,
                   goBackwards: false, merge: .sum),
        flipped(Recurrence(cell: .lstm, units: 4, activation: .tanh, recurrentActivation: .sigmoid, returnSequences: true,
                           goBackwards: true)),
        flipped(Recurrence(cell: .simpleRNN, units: 4, activation: .tanh, recurrentActivation: nil, returnSequences: true,
                           goBackwards: false)),
        flipped(Recurrence(cell: .gru, units: 4, activation: .tanh, recurrentActivation: .sigmoid, resetAfter: true,
                           returnSequences: true, goBackwards: true)),
    ]

    /// The backward half of a lowered Bidirectional: its sequence output flipped in time.
    static func flipped(_ recurrence: Recurrence) -> Recurrence {
        var flipped = recurrence
        flipped.flipsSequence = true
        flipped.zeroOutputForMask = true
        return flipped
    }

    /// Examples of every activation kind (exhaustive, like the op switch above).
    static func activations(_ kind: ActivationKind) -> [Activation] {
        switch kind {
        case .linear: return [.linear]
        case .relu: return [.relu]
        case .clippedReLU: return [.clippedReLU(maxValue: 1, negativeSlope: 0.1, threshold: 0.2)]
        case .relu6: return [.relu6]
        case .sigmoid: return [.sigmoid]
        case .hardSigmoidKeras2: return [.hardSigmoidKeras2]
        case .hardSigmoidKeras3: return [.hardSigmoidKeras3]
        case .tanh: return [.tanh]
        case .softmax: return [.softmax(axis: 1), .softmax(axis: 2)]
        case .softplus: return [.softplus]
        case .softsign: return [.softsign]
        case .elu: return [.elu(alpha: 0.7)]
        case .selu: return [.selu]
        case .swish: return [.swish]
        case .gelu: return [.gelu(approximate: false), .gelu(approximate: true)]
        case .exponential: return [.exponential]
        case .leakyReLU: return [.leakyReLU(alpha: 0.2)]
        case .mish: return [.mish]
        case .hardSilu: return [.hardSilu]
        case .logSoftmax: return [.logSoftmax(axis: 1), .logSoftmax(axis: 2)]
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
}
