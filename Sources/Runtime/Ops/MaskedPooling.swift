import KerasLensGraph

/// Keras's GlobalAveragePooling1D given a mask: per channel, the sum over unmasked steps divided by their count
/// (0/0, NaN, when every step is masked, as in Keras); a mask value is kept when not 0. The mask gets no gradient.
struct MaskedAveragePoolKernel: Kernel {
    let steps: Int
    let channels: Int

    init(shapes: KernelShapes) {
        steps = shapes.input[0]
        channels = shapes.input[1]
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        for sample in 0..<batch {
            let input = inputs[0] + sample * steps * channels, mask = inputs[1] + sample * steps
            let row = output + sample * channels
            row.update(repeating: 0, count: channels)
            var count: Float = 0
            for step in 0..<steps where mask[step] != 0 {
                count += 1
                let line = input + step * channels
                for c in 0..<channels { row[c] += line[c] }
            }
            for c in 0..<channels { row[c] /= count }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        for sample in 0..<batch {
            let mask = inputs[1] + sample * steps, target = gx + sample * steps * channels
            let gradient = outputGradient + sample * channels
            let count = Float((0..<steps).filter { mask[$0] != 0 }.count)
            for step in 0..<steps where mask[step] != 0 {
                let scale = 1 / count
                for c in 0..<channels { target[step * channels + c] += gradient[c] * scale }
            }
        }
    }
}
