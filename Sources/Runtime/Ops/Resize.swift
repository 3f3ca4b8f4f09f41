import KerasLensGraph

/// TensorFlow's `ResizeBilinear` / `ResizeNearestNeighbor` with half-pixel centres, as `tf.image.resize` runs them
/// without antialiasing. Source rows, columns and weights are computed once per plan, in float32 as TensorFlow does;
/// the loops only read them.
struct ResizeKernel: Kernel {
    /// Where output position i along one axis reads: positions `lower` and `upper`, weight `lerp` on `upper`
    /// (nearest: `lower` alone, `lerp` 0).
    struct Taps {
        var lower: [Int] = []
        var upper: [Int] = []
        var lerp: [Float] = []

        init(input: Int, output: Int, interpolation: Interpolation) {
            let scale = Float(input) / Float(output)
            for i in 0..<output {
                switch interpolation {
                case .bilinear:
                    let source = (Float(i) + 0.5) * scale - 0.5
                    let floor = source.rounded(.down)
                    lower.append(max(Int(floor), 0))
                    upper.append(min(Int(source.rounded(.up)), input - 1))
                    lerp.append(source - floor)
                case .nearest:
                    let source = min(Int(((Float(i) + 0.5) * scale).rounded(.down)), input - 1)
                    lower.append(max(source, 0))
                    upper.append(max(source, 0))
                    lerp.append(0)
                }
            }
        }
    }

    let rows, columns: Taps
    let inHeight, inWidth, outHeight, outWidth, channels: Int
    let bilinear: Bool

    init(size: [Int], interpolation: Interpolation, shapes: KernelShapes) {
        (inHeight, inWidth, channels) = (shapes.input[0], shapes.input[1], shapes.input[2])
        (outHeight, outWidth) = (size[0], size[1])
        rows = Taps(input: inHeight, output: outHeight, interpolation: interpolation)
        columns = Taps(input: inWidth, output: outWidth, interpolation: interpolation)
        bilinear = interpolation == .bilinear
    }

    /// Visits every output position of `batch` samples in order, with the offsets (from the batch's start) of the
    /// input positions it reads: rows `top`/`bottom` × columns `left`/`right`, weights `ty` and `tx` on the second
    /// of each. The forward pass reads these taps and the backward pass spreads gradients over the same ones.
    private func forEachOutput(batch: Int, _ body: (_ top: Int, _ bottom: Int, _ left: Int, _ right: Int, _ ty: Float, _ tx: Float) -> Void) {
        for sample in 0..<batch {
            let start = sample * inHeight * inWidth * channels
            for i in 0..<outHeight {
                let top = start + rows.lower[i] * inWidth * channels, bottom = start + rows.upper[i] * inWidth * channels
                for j in 0..<outWidth {
                    body(top, bottom, columns.lower[j] * channels, columns.upper[j] * channels, rows.lerp[i], columns.lerp[j])
                }
            }
        }
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        var y = output
        forEachOutput(batch: batch) { top, bottom, left, right, ty, tx in
            let top = inputs[0] + top, bottom = inputs[0] + bottom
            if bilinear {
                for c in 0..<channels {
                    let upper = top[left + c] + (top[right + c] - top[left + c]) * tx
                    let lower = bottom[left + c] + (bottom[right + c] - bottom[left + c]) * tx
                    y[c] = upper + (lower - upper) * ty
                }
            } else {
                y.update(from: top + left, count: channels)
            }
            y += channels
        }
    }

    /// The forward map's transpose (TensorFlow's `ResizeBilinearGrad` / `ResizeNearestNeighborGrad`): each output
    /// gradient is spread over the taps it read, with their weights.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gradient = inputGradients[0] else { return }
        var g = outputGradient
        forEachOutput(batch: batch) { top, bottom, left, right, ty, tx in
            let top = gradient + top, bottom = gradient + bottom
            if bilinear {
                for c in 0..<channels {
                    top[left + c] += g[c] * (1 - ty) * (1 - tx)
                    top[right + c] += g[c] * (1 - ty) * tx
                    bottom[left + c] += g[c] * ty * (1 - tx)
                    bottom[right + c] += g[c] * ty * tx
                }
            } else {
                for c in 0..<channels { top[left + c] += g[c] }
            }
            g += channels
        }
    }
}
