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

    /// An element-wise activation runs over the cores (both ways), each range copied and then activated while in
    /// cache.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let count = batch * shape.reduce(1, *)
        switch activation.implementation {
        case .elementwise(let function):
            Parallel.forEachRange(count, cost: 4) { range in
                (output + range.lowerBound).update(from: inputs[0] + range.lowerBound, count: range.count)
                function.apply(output + range.lowerBound, count: range.count)
            }
        case .alongAxis:
            output.update(from: inputs[0], count: count)
            activation.apply(output, shape: [batch] + shape)
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        switch activation.implementation {
        case .elementwise(let function):
            Parallel.forEachRange(batch * shape.reduce(1, *), cost: 4) { range in
                let start = range.lowerBound
                function.addGradient(x: inputs[0] + start, y: output + start, g: outputGradient + start, into: gx + start, count: range.count)
            }
        case .alongAxis:
            activation.addGradient(x: inputs[0], y: output, g: outputGradient, into: gx, shape: [batch] + shape)
        }
    }
}
