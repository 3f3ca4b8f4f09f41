import KerasLensGraph
import KerasLensRuntime

extension ExplanationRequest {
    /// The model's input layer name, under which the runtime reports `∂y/∂x`.
    var inputName: String { model.graph.inputs[0] }

    /// `∂y/∂x` for `count` variants of sample `index`'s input (`make(variant, buffer)` writes each into a zeroed
    /// buffer), all for class `classIndex`, `batchSize` variants per pass; returned per variant, row-major.
    func inputGradients(ofVariants count: Int, classIndex: Int,
                        _ make: (Int, UnsafeMutableBufferPointer<Float>) -> Void) throws -> [ArraySlice<Float>] {
        let size = geometry.count, shape = model.inputShapes[0]
        var result: [ArraySlice<Float>] = []
        let chunk = max(1, options.batchSize)
        for start in stride(from: 0, to: count, by: chunk) {
            let n = min(chunk, count - start)
            var scalars = [Float](repeating: 0, count: n * size)
            scalars.withUnsafeMutableBufferPointer { buffer in
                for variant in 0..<n { make(start + variant, UnsafeMutableBufferPointer(rebasing: buffer[(variant * size)..<((variant + 1) * size)])) }
            }
            let pass = try model.gradients([Tensor(shape: [n] + shape, scalars: scalars)], classes: Array(repeating: classIndex, count: n),
                                           target: options.target, withRespectTo: [inputName])
            let gradients = pass.gradients[inputName]!.scalars
            result += (0..<n).map { gradients[($0 * size)..<(($0 + 1) * size)] }
        }
        return result
    }
}

extension MapMath {
    /// `max_ch |v|` per position.
    static func maxAbsoluteOverChannels(_ values: ArraySlice<Float>, channels: Int) -> [Float] {
        let v = Array(values)
        return stride(from: 0, to: v.count, by: channels).map { start in
            var top: Float = 0
            for i in start..<(start + channels) { top = max(top, abs(v[i])) }
            return top
        }
    }

    /// `Σ_ch v` per position.
    static func sumOverChannels(_ values: ArraySlice<Float>, channels: Int) -> [Float] {
        let v = Array(values)
        return stride(from: 0, to: v.count, by: channels).map { v[$0..<($0 + channels)].reduce(0, +) }
    }
}
