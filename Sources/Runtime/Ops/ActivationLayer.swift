import KerasLensGraph

/// A standalone activation layer (softmax may run over any axis).
struct ActivationKernel: Kernel {
    let activation: Activation
    let shape: [Int]

    /// `shape` is per sample; an axis counted from the end (a layer's built-in softmax) is resolved here.
    init(activation: Activation, shape: [Int]) {
        if let axis = activation.axis, axis < 0 {
            self.activation = activation.replacingAxis(with: axis + shape.count + 1)
        } else {
            self.activation = activation
        }
        self.shape = shape
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        output.update(from: inputs[0], count: batch * shape.reduce(1, *))
        activation.apply(output, shape: [batch] + shape)
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        activation.addGradient(x: inputs[0], y: output, g: outputGradient, into: gx, shape: [batch] + shape)
    }
}
