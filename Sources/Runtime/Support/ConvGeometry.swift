import Graph

/// A sliding window over a channels-last sample, with 1-D treated as 2-D of height 1 so one set of loops serves both.
struct ConvGeometry: Sendable {
    let inHeight, inWidth, channels: Int
    let outHeight, outWidth: Int
    let kernelHeight, kernelWidth: Int
    let strideHeight, strideWidth: Int
    let dilationHeight, dilationWidth: Int
    let padTop, padLeft: Int

    /// `input` and `output` are per-sample shapes: spatial axes then channels.
    init(window: Window, input: [Int], output: [Int]) {
        let twoD = window.rank == 2
        inHeight = twoD ? input[0] : 1
        inWidth = input[window.rank - 1]
        channels = input[window.rank]
        outHeight = twoD ? output[0] : 1
        outWidth = output[window.rank - 1]
        kernelHeight = twoD ? window.size[0] : 1
        kernelWidth = window.size[window.rank - 1]
        strideHeight = twoD ? window.strides[0] : 1
        strideWidth = window.strides[window.rank - 1]
        dilationHeight = twoD ? window.dilations[0] : 1
        dilationWidth = window.dilations[window.rank - 1]
        padTop = twoD ? window.padBefore(axis: 0, length: inHeight) : 0
        padLeft = window.padBefore(axis: window.rank - 1, length: inWidth)
    }

    var inputCount: Int { inHeight * inWidth * channels }
    var positions: Int { outHeight * outWidth }
    /// Length of one im2col row: every tap of the window over every input channel.
    var patchSize: Int { kernelHeight * kernelWidth * channels }

    /// Whether the im2col matrix would equal the input itself (1×1 window, unit stride, no padding).
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1 && padTop == 0 && padLeft == 0
            && outHeight == inHeight && outWidth == inWidth
    }

    /// Calls `body(tap, inputOffset)` for each window tap inside the input at output position (y, x); taps in the
    /// padding are skipped. `tap` indexes the kernel's spatial positions, `inputOffset` the first channel's value.
    @inline(__always)
    func forEachTap(y: Int, x: Int, _ body: (Int, Int) -> Void) {
        for ky in 0..<kernelHeight {
            let iy = y * strideHeight - padTop + ky * dilationHeight
            guard iy >= 0, iy < inHeight else { continue }
            for kx in 0..<kernelWidth {
                let ix = x * strideWidth - padLeft + kx * dilationWidth
                guard ix >= 0, ix < inWidth else { continue }
                body(ky * kernelWidth + kx, (iy * inWidth + ix) * channels)
            }
        }
    }

    /// The adjoint of `im2col`: adds each patch row back onto the input positions it was read from.
    func col2imAdd(_ patches: UnsafePointer<Float>, positions range: Range<Int>, into sample: UnsafeMutablePointer<Float>) {
        for (row, position) in range.enumerated() {
            let source = patches + row * patchSize
            forEachTap(y: position / outWidth, x: position % outWidth) { tap, offset in
                let from = source + tap * channels, to = sample + offset
                for c in 0..<channels { to[c] += from[c] }
            }
        }
    }

    /// Writes the im2col rows of output positions `range` of one sample into `patches` (row-major,
    /// `range.count × patchSize`), zeros where the window covers padding.
    func im2col(_ sample: UnsafePointer<Float>, positions range: Range<Int>, into patches: UnsafeMutablePointer<Float>) {
        for (row, position) in range.enumerated() {
            let y = position / outWidth, x = position % outWidth
            let destination = patches + row * patchSize
            destination.update(repeating: 0, count: patchSize)
            forEachTap(y: y, x: x) { tap, offset in
                (destination + tap * channels).update(from: sample + offset, count: channels)
            }
        }
    }
}
