import KerasLensGraph

/// `x` where positive, `alpha · x` elsewhere, with alpha broadcast over the shared axes.
struct PReLUKernel: Kernel {
    let alpha: [Float]

    init(alpha: Tensor, shapes: KernelShapes) {
        self.alpha = broadcast(alpha.scalars, shape: alpha.shape, to: shapes.input)
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let count = alpha.count
        for sample in 0..<batch {
            let input = inputs[0] + sample * count, result = output + sample * count
            for i in 0..<count { result[i] = input[i] > 0 ? input[i] : alpha[i] * input[i] }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let count = alpha.count
        for sample in 0..<batch {
            let input = inputs[0] + sample * count, gradient = outputGradient + sample * count, target = gx + sample * count
            for i in 0..<count { target[i] += gradient[i] * (input[i] > 0 ? 1 : alpha[i]) }
        }
    }
}
