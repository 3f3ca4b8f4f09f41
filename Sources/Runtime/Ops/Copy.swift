/// Flatten, Reshape and the inference-time identities (dropout, noise): the row-major data is unchanged.
struct CopyKernel: Kernel {
    let count: Int

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        output.update(from: inputs[0], count: batch * count)
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        for i in 0..<(batch * count) { gx[i] += outputGradient[i] }
    }
}
