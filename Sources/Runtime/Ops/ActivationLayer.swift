import Graph

/// A standalone activation layer (softmax may run over any axis).
struct ActivationKernel: Kernel {
    let activation: Activation
    let shape: [Int]

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        output.update(from: inputs[0], count: batch * shape.reduce(1, *))
        activation.apply(output, shape: [batch] + shape)
    }
}
