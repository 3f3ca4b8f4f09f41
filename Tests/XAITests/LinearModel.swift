import KerasLensGraph
import KerasLensRuntime

/// A model whose logit is linear in its input — `logit_c = Σ_{p,ch} W[p,ch,c] x[p,ch] + b_c` over a (4, 2) input,
/// softmax on top — so every method's answer can be worked out by hand.
struct LinearModel {
    static let length = 4, channels = 2, classes = 2
    static let kernel: [Float] = [0.5, -0.2, 0.1, 0.3, -0.4, 0.2, 0.8, -0.1, 0.3, 0.6, -0.5, 0.05, 0.2, -0.3, 0.7, 0.4]
    static let bias: [Float] = [0.1, -0.1]

    static var graph: Graph {
        let nodes = [
            Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [length, channels]),
            Node(name: "flat", kerasClass: "Flatten", op: .flatten, inputs: ["x"], outputShape: [length * channels]),
            Node(name: "out", kerasClass: "Dense", op: .dense(activation: .softmax(axis: 1)), inputs: ["flat"],
                 weights: ["kernel": Tensor(shape: [length * channels, classes], scalars: kernel),
                           "bias": Tensor(shape: [classes], scalars: bias)],
                 outputShape: [classes]),
        ]
        return Graph(nodes: nodes, inputs: ["x"], outputs: ["out"], source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
    }

    static let input = Tensor(shape: [1, length, channels], scalars: [1, 2, -1, 0.5, 0.3, -2, 1.5, 1])

    /// `∂logit_c/∂x[p,ch]`.
    static func weight(_ p: Int, _ ch: Int, _ c: Int) -> Float { kernel[(p * channels + ch) * classes + c] }

    /// `W[p,ch,c] · x[p,ch]`, each input value's share of the logit.
    static func contribution(_ p: Int, _ ch: Int, _ c: Int) -> Float { weight(p, ch, c) * input.scalars[p * channels + ch] }

    static func logit(_ c: Int) -> Float {
        (0..<length).reduce(bias[c]) { sum, p in (0..<channels).reduce(sum) { $0 + contribution(p, $1, c) } }
    }

    /// `norm(ReLU(values))`.
    static func normalizedPositive(_ values: [Float]) -> [Float] {
        let positive = values.map { max($0, 0) }
        let top = positive.max()!
        return top > 0 ? positive.map { $0 / top } : positive
    }
}
