import KerasLensGraph

/// Dense: Gemm for a `(N, features)` input; MatMul plus Add for inputs with more axes, where Keras applies the
/// kernel to the last axis and Gemm (2-D only) cannot.
extension ONNXBuilder {
    mutating func dense(_ node: Node, activation: Activation, input: String, shape: [Int], into output: String) {
        let kernel = constant(node.weights["kernel"]!, layer: node.name, "kernel")
        let bias = node.weights["bias"].map { constant($0, layer: node.name, "bias") }
        let target = activation == .linear ? output : fresh(node.name, "preactivation")
        if shape.count == 1 {
            add("Gemm", [input, kernel] + (bias.map { [$0] } ?? []), into: target)
        } else if let bias {
            add("Add", [step("MatMul", [input, kernel], layer: node.name), bias], into: target)
        } else {
            add("MatMul", [input, kernel], into: target)
        }
        if activation != .linear { self.activation(activation, target, layer: node.name, into: output) }
    }
}
