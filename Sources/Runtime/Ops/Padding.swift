/// ZeroPadding (adds zeros around) and Cropping (removes rows and columns) on channels-last samples; 1-D is 2-D of
/// height 1.
struct PaddingKernel: Kernel {
    let inHeight, inWidth, outHeight, outWidth, channels: Int
    /// Offset of the input's (0, 0) in the output; negative when cropping.
    let top, left: Int

    init(amounts: [[Int]], cropping: Bool, shapes: KernelShapes) {
        let twoD = amounts.count == 2
        let sign = cropping ? -1 : 1
        inHeight = twoD ? shapes.input[0] : 1
        inWidth = shapes.input[amounts.count - 1]
        outHeight = twoD ? shapes.output[0] : 1
        outWidth = shapes.output[amounts.count - 1]
        channels = shapes.input.last!
        top = twoD ? sign * amounts[0][0] : 0
        left = sign * amounts[amounts.count - 1][0]
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let inCount = inHeight * inWidth * channels, outCount = outHeight * outWidth * channels
        output.update(repeating: 0, count: batch * outCount)
        let firstX = max(0, left), lastX = min(outWidth, inWidth + left)
        guard firstX < lastX else { return }
        for sample in 0..<batch {
            for y in max(0, top)..<min(outHeight, inHeight + top) {
                let source = inputs[0] + sample * inCount + ((y - top) * inWidth + firstX - left) * channels
                let destination = output + sample * outCount + (y * outWidth + firstX) * channels
                destination.update(from: source, count: (lastX - firstX) * channels)
            }
        }
    }

    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let inCount = inHeight * inWidth * channels, outCount = outHeight * outWidth * channels
        let firstX = max(0, left), lastX = min(outWidth, inWidth + left)
        guard firstX < lastX else { return }
        for sample in 0..<batch {
            for y in max(0, top)..<min(outHeight, inHeight + top) {
                let target = gx + sample * inCount + ((y - top) * inWidth + firstX - left) * channels
                let source = outputGradient + sample * outCount + (y * outWidth + firstX) * channels
                for i in 0..<((lastX - firstX) * channels) { target[i] += source[i] }
            }
        }
    }
}
