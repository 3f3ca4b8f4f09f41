import KerasLensGraph

/// `Σ cᵢ · xᵢ` over inputs of one shape, summed in input order (Keras's `x + residual · scale` rounds the same way).
struct LinearCombinationKernel: Kernel {
    let coefficients: [Float]
    /// Elements per sample.
    let count: Int

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let total = batch * count
        let first = coefficients[0]
        for i in 0..<total { output[i] = first == 1 ? inputs[0][i] : inputs[0][i] * first }
        for (input, coefficient) in zip(inputs, coefficients).dropFirst() {
            for i in 0..<total { output[i] += input[i] * coefficient }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        for (gradient, coefficient) in zip(inputGradients, coefficients) {
            guard let gradient else { continue }
            for i in 0..<batch * count { gradient[i] += outputGradient[i] * coefficient }
        }
    }
}
