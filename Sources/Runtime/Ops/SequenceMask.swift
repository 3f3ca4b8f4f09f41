import KerasLensGraph

/// A Keras mask: per sample and step, 1 when some value of the step differs from the mask value, else 0
/// (`Op.sequenceMask`). A comparison: its gradient is zero.
struct SequenceMaskKernel: Kernel {
    let value: Float
    let steps: Int
    /// Values per step (1 for ids).
    let width: Int

    init(value: Float, shapes: KernelShapes) {
        self.value = value
        steps = shapes.input[0]
        width = shapes.inputCount / steps
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        for step in 0..<(batch * steps) {
            let values = inputs[0] + step * width
            output[step] = (0..<width).contains { values[$0] != value } ? 1 : 0
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        // A step function of the input: nothing to add.
    }
}
