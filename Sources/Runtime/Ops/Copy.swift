/// Flatten, Reshape and the inference-time identities (dropout, noise): the row-major data is unchanged.
struct CopyKernel: Kernel {
    let count: Int

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        output.update(from: inputs[0], count: batch * count)
    }
}
