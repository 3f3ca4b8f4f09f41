/// Nearest-neighbour upsampling: output (y, x) reads input (y / sy, x / sx).
struct UpsamplingKernel: Kernel {
    let inHeight, inWidth, channels, factorY, factorX: Int

    init(size: [Int], shapes: KernelShapes) {
        let twoD = size.count == 2
        inHeight = twoD ? shapes.input[0] : 1
        inWidth = shapes.input[size.count - 1]
        channels = shapes.input.last!
        factorY = twoD ? size[0] : 1
        factorX = size[size.count - 1]
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let outWidth = inWidth * factorX, outHeight = inHeight * factorY
        var destination = output
        for sample in 0..<batch {
            let input = inputs[0] + sample * inHeight * inWidth * channels
            for y in 0..<outHeight {
                for x in 0..<outWidth {
                    destination.update(from: input + ((y / factorY) * inWidth + x / factorX) * channels, count: channels)
                    destination += channels
                }
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let outWidth = inWidth * factorX, outHeight = inHeight * factorY
        var source = outputGradient
        for sample in 0..<batch {
            let target = gx + sample * inHeight * inWidth * channels
            for y in 0..<outHeight {
                for x in 0..<outWidth {
                    let cell = target + ((y / factorY) * inWidth + x / factorX) * channels
                    for c in 0..<channels { cell[c] += source[c] }
                    source += channels
                }
            }
        }
    }
}
