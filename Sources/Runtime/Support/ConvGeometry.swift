import KerasLensGraph

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
        self.init(window: window, input: input, output: output) { axis, length in window.padBefore(axis: axis, length: length) }
    }

    /// The convolution whose adjoint is the transposed convolution `window` from `output` back to `input` (the
    /// transposed convolution's output is this convolution's input): the kernel [k…, out, in] is this one's
    /// [k…, in, out], and the padding is what the transposed convolution crops.
    init(transposedWindow window: Window, input transposedInput: [Int], output transposedOutput: [Int]) {
        self.init(window: window, input: transposedOutput, output: transposedInput) { axis, _ in
            window.transposedPadBefore(axis: axis, input: transposedInput[axis], output: transposedOutput[axis])
        }
    }

    /// `padBefore(axis, inputLength)`: the padding before the first input position along a spatial axis.
    private init(window: Window, input: [Int], output: [Int], padBefore: (Int, Int) -> Int) {
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
        padTop = twoD ? padBefore(0, inHeight) : 0
        padLeft = padBefore(window.rank - 1, inWidth)
    }

    /// For a stride-1 convolution with `filters` outputs, the convolution that maps its output gradient back to its
    /// input gradient: input position i receives from output position i + padTop − k·dilation through tap k, so
    /// with the kernel flipped in space the windows are this one's, padded by `(k − 1)·dilation − pad` before.
    init(adjointOf g: ConvGeometry, filters: Int) {
        precondition(g.strideHeight == 1 && g.strideWidth == 1, "only stride-1 convolutions have a convolution as adjoint")
        inHeight = g.outHeight
        inWidth = g.outWidth
        channels = filters
        outHeight = g.inHeight
        outWidth = g.inWidth
        kernelHeight = g.kernelHeight
        kernelWidth = g.kernelWidth
        strideHeight = 1
        strideWidth = 1
        dilationHeight = g.dilationHeight
        dilationWidth = g.dilationWidth
        padTop = (g.kernelHeight - 1) * g.dilationHeight - g.padTop
        padLeft = (g.kernelWidth - 1) * g.dilationWidth - g.padLeft
    }

    /// The kernel of the adjoint convolution (`init(adjointOf:filters:)`): Keras's [kh, kw, in, out] kernel with its
    /// taps flipped and its channel axes swapped, [kh, kw, out, in].
    func adjointKernel(_ kernel: [Float], filters: Int) -> [Float] {
        let taps = kernelHeight * kernelWidth
        var flipped = [Float](repeating: 0, count: kernel.count)
        for tap in 0..<taps {
            let source = (taps - 1 - tap) * channels * filters, target = tap * filters * channels
            for c in 0..<channels {
                for f in 0..<filters { flipped[target + f * channels + c] = kernel[source + c * filters + f] }
            }
        }
        return flipped
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

    /// Whether each output position reads one input position, with no padding: a 1×1 window at any stride.
    var readsOnePosition: Bool { kernelHeight == 1 && kernelWidth == 1 && padTop == 0 && padLeft == 0 }

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

    /// The adjoint of `im2col`: adds each patch row back onto the input positions it was read from, with the
    /// same contiguous-run shortcut.
    func col2imAdd(_ patches: UnsafePointer<Float>, positions range: Range<Int>, into sample: UnsafeMutablePointer<Float>) {
        let run = kernelWidth * channels
        var y = range.lowerBound / outWidth, x = range.lowerBound % outWidth
        for row in 0..<range.count {
            var source = patches + row * patchSize
            let left = x * strideWidth - padLeft
            let inside = left >= 0 && left + (kernelWidth - 1) * dilationWidth < inWidth
            for ky in 0..<kernelHeight {
                let iy = y * strideHeight - padTop + ky * dilationHeight
                if iy >= 0 && iy < inHeight {
                    if inside && dilationWidth == 1 {
                        let to = sample + (iy * inWidth + left) * channels
                        for i in 0..<run { to[i] += source[i] }
                    } else {
                        for kx in 0..<kernelWidth {
                            let ix = left + kx * dilationWidth
                            guard ix >= 0, ix < inWidth else { continue }
                            let from = source + kx * channels, to = sample + (iy * inWidth + ix) * channels
                            for c in 0..<channels { to[c] += from[c] }
                        }
                    }
                }
                source += run
            }
            x += 1
            if x == outWidth { x = 0; y += 1 }
        }
    }

    /// Writes the im2col rows of output positions `range` of one sample into `patches` (row-major,
    /// `range.count × patchSize`), zeros where the window covers padding.
    ///
    /// Written without per-tap closures and without clearing whole rows: for each kernel row the taps that fall
    /// inside the input are one contiguous run of `kernelWidth × channels` floats when the dilation is 1 (every
    /// interior position of the usual 3×3 `same` convolution), copied in one go; only border taps are zeroed.
    func im2col(_ sample: UnsafePointer<Float>, positions range: Range<Int>, into patches: UnsafeMutablePointer<Float>) {
        let run = kernelWidth * channels
        var y = range.lowerBound / outWidth, x = range.lowerBound % outWidth
        for row in 0..<range.count {
            var destination = patches + row * patchSize
            let left = x * strideWidth - padLeft
            let inside = left >= 0 && left + (kernelWidth - 1) * dilationWidth < inWidth
            for ky in 0..<kernelHeight {
                let iy = y * strideHeight - padTop + ky * dilationHeight
                if iy < 0 || iy >= inHeight {
                    destination.update(repeating: 0, count: run)
                } else if inside && dilationWidth == 1 {
                    copyFloats(from: sample + (iy * inWidth + left) * channels, to: destination, count: run)
                } else {
                    for kx in 0..<kernelWidth {
                        let ix = left + kx * dilationWidth
                        if ix < 0 || ix >= inWidth {
                            (destination + kx * channels).update(repeating: 0, count: channels)
                        } else {
                            copyFloats(from: sample + (iy * inWidth + ix) * channels, to: destination + kx * channels, count: channels)
                        }
                    }
                }
                destination += run
            }
            x += 1
            if x == outWidth { x = 0; y += 1 }
        }
    }
}

extension ConvGeometry {
    /// Copies `count` input rows from `firstRow` (negative or past the end: padding) into `band`, each `width`
    /// columns wide starting `padLeft` columns left of the input, zero wherever a window reaches into the padding:
    /// the direct and Winograd kernels then read windows with no border cases.
    func padRows(_ sample: UnsafePointer<Float>, from firstRow: Int, count: Int, width: Int, into band: UnsafeMutablePointer<Float>) {
        let rowFloats = width * channels
        let columns = max(0, min(inWidth, width - padLeft))
        for r in 0..<count {
            let iy = firstRow + r
            let destination = band + r * rowFloats
            guard iy >= 0, iy < inHeight, columns > 0 else {
                destination.update(repeating: 0, count: rowFloats)
                continue
            }
            let before = padLeft * channels, copied = columns * channels
            destination.update(repeating: 0, count: before)
            copyFloats(from: sample + iy * inWidth * channels, to: destination + before, count: copied)
            (destination + before + copied).update(repeating: 0, count: rowFloats - before - copied)
        }
    }
}

/// Copies `count` floats; short runs (a few channels) in a plain loop, which beats a `memcpy` call at that size.
@inline(__always)
func copyFloats(from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
    if count < 32 {
        for i in 0..<count { destination[i] = source[i] }
    } else {
        destination.update(from: source, count: count)
    }
}
