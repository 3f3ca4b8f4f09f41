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

    /// Rows over the cores, each written once: zeros where it has no input, a copy where it has.
    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        let inCount = inHeight * inWidth * channels
        let firstX = max(0, left), lastX = max(firstX, min(outWidth, inWidth + left))
        let rowFloats = outWidth * channels
        Parallel.forEachRange(batch * outHeight, cost: rowFloats) { rows in
            for item in rows {
                let sample = item / outHeight, y = item % outHeight
                let destination = output + item * rowFloats
                guard y - top >= 0, y - top < inHeight, firstX < lastX else {
                    destination.update(repeating: 0, count: rowFloats)
                    continue
                }
                let source = inputs[0] + sample * inCount + ((y - top) * inWidth + firstX - left) * channels
                destination.update(repeating: 0, count: firstX * channels)
                copyFloats(from: source, to: destination + firstX * channels, count: (lastX - firstX) * channels)
                (destination + lastX * channels).update(repeating: 0, count: (outWidth - lastX) * channels)
            }
        }
    }

    /// Input rows over the cores: each gathers its gradient from the one output row it went to.
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        guard let gx = inputGradients[0] else { return }
        let inCount = inHeight * inWidth * channels, outCount = outHeight * outWidth * channels
        let firstX = max(0, left), lastX = min(outWidth, inWidth + left)
        guard firstX < lastX else { return }
        let firstY = max(0, top), lastY = min(outHeight, inHeight + top)
        guard firstY < lastY else { return }
        Parallel.forEachRange(batch * (lastY - firstY), cost: (lastX - firstX) * channels) { rows in
            for item in rows {
                let sample = item / (lastY - firstY), y = firstY + item % (lastY - firstY)
                let target = gx + sample * inCount + ((y - top) * inWidth + firstX - left) * channels
                let source = outputGradient + sample * outCount + (y * outWidth + firstX) * channels
                for i in 0..<((lastX - firstX) * channels) { target[i] += source[i] }
            }
        }
    }
}
