/// Expands `values`, shaped `shape` (same rank as `target`, with 1 on broadcast axes), to the full `target` shape.
func broadcast(_ values: [Float], shape: [Int], to target: [Int]) -> [Float] {
    var strides = [Int](repeating: 0, count: shape.count)
    var step = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = shape[axis] == 1 ? 0 : step
        step *= shape[axis]
    }
    let count = target.reduce(1, *)
    var result = [Float](repeating: 0, count: count)
    var index = [Int](repeating: 0, count: target.count)
    for position in 0..<count {
        result[position] = values[zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }]
        for axis in stride(from: target.count - 1, through: 0, by: -1) {
            index[axis] += 1
            if index[axis] < target[axis] { break }
            index[axis] = 0
        }
    }
    return result
}

/// `y = x · scale[k] + shift[k]` with `k = (i / inner) % scale.count` for per-sample position `i`: one pattern that
/// covers a scalar, one value per channel, one per value of any middle axis, or a fully broadcast array.
struct AffineKernel: Kernel {
    let scale: [Float]
    let shift: [Float]
    let inner: Int
    let count: Int

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let period = scale.count
        for sample in 0..<batch {
            let input = inputs[0] + sample * count, result = output + sample * count
            var i = 0
            while i < count {
                let k = (i / inner) % period
                let a = scale[k], b = shift[k]
                let end = min(count, i + inner)
                for j in i..<end { result[j] = input[j] * a + b }
                i = end
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let period = scale.count
        for sample in 0..<batch {
            let gradient = outputGradient + sample * count, target = gx + sample * count
            for i in 0..<count { target[i] += gradient[i] * scale[(i / inner) % period] }
        }
    }
}
