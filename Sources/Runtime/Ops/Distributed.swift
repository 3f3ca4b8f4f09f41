/// A kernel applied to each position of a node's distributed axes (`Node.distributedAxes`, Keras's
/// TimeDistributed). Buffers are batch-first and contiguous, so a batch of N samples of [T, …] is N·T samples of
/// [...] for the kernel inside: no copy, and each position is computed exactly as a sample of its own.
struct DistributedKernel: Kernel {
    let inner: any Kernel
    /// Applications per sample: the product of the distributed axes' sizes.
    let count: Int

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        inner.forward(inputs, output, batch: batch * count)
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        inner.backward(inputs, output, outputGradient, inputGradients, batch: batch * count)
    }
}

/// `kernel` run over `count` applications per sample; the kernel itself when there is one.
func distributed(_ kernel: any Kernel, count: Int) -> any Kernel {
    count == 1 ? kernel : DistributedKernel(inner: kernel, count: count)
}
