import Foundation

/// The filters of Pillow's convolution resize (libImaging/Resample.c), with their supports.
enum ResampleFilter {
    case bilinear, bicubic

    var support: Double {
        switch self {
        case .bilinear: 1
        case .bicubic: 2
        }
    }

    func weight(_ x: Double) -> Double {
        let x = abs(x)
        switch self {
        case .bilinear:
            return x < 1 ? 1 - x : 0
        case .bicubic:
            let a = -0.5
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        }
    }
}

/// One axis of Pillow's resampling: for each output position, the first source index it reads and its fixed-point
/// weights. Pillow widens the filter by the scale when shrinking (so every source pixel contributes), normalises the
/// weights in double, then rounds them to 22-bit fixed point; the same arithmetic here gives its bytes exactly.
struct ResampleAxis {
    static let precisionBits = 22
    var starts: [Int]
    var weights: [[Int]]

    /// `precompute_coeffs` and `normalize_coeffs_8bpc`; the box edges are C floats there, so they pass through Float.
    init(inputSize: Int, from start: Int, to end: Int, outputSize: Int, filter: ResampleFilter) {
        let in0 = Float(start), in1 = Float(end)
        let scale = Double(in1 - in0) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let inverse = 1.0 / filterScale
        starts = []
        weights = []
        for xx in 0..<outputSize {
            let center = Double(in0) + (Double(xx) + 0.5) * scale
            let xmin = max(0, Int(center - support + 0.5))
            let xmax = min(inputSize, Int(center + support + 0.5)) - xmin
            var k = (0..<max(0, xmax)).map { x in filter.weight((Double(x + xmin) - center + 0.5) * inverse) }
            let total = k.reduce(0, +)
            if total != 0 { k = k.map { $0 / total } }
            let one = Double(1 << Self.precisionBits)
            starts.append(xmin)
            weights.append(k.map { $0 < 0 ? Int(-0.5 + $0 * one) : Int(0.5 + $0 * one) })
        }
    }

    /// A fixed-point sum brought back to a byte as Pillow's `clip8` does.
    @inline(__always) static func clip(_ sum: Int) -> UInt8 {
        UInt8(clamping: min(255, max(0, sum >> precisionBits)))
    }
}

extension PixelImage {
    /// Pillow's `ImagingResampleInner` for 8-bit images (Pillow 13): two passes, each rounding to bytes and each
    /// skipped when its axis is unchanged. Horizontal first (over only the rows the vertical pass reads), unless the
    /// height shrinks by more than twice as many pixels as the width does — then vertical first, a speed-up Pillow 13
    /// made that changes some values by a level from earlier Pillows.
    func resampled(width: Int, height: Int, box: ResizeBox, filter: ResampleFilter) -> PixelImage {
        let needHorizontal = width != self.width || box.x0 != 0 || box.x1 != width
        let needVertical = height != self.height || box.y0 != 0 || box.y1 != height
        let shrink = self.height - height
        let horizontalFirst = !(shrink > 0 && shrink > (self.width - width) * 2)
        let vertical = ResampleAxis(inputSize: self.height, from: box.y0, to: box.y1, outputSize: height, filter: filter)
        let horizontal = ResampleAxis(inputSize: self.width, from: box.x0, to: box.x1, outputSize: width, filter: filter)
        if horizontalFirst {
            var image = self
            var firstRow = 0
            if needHorizontal {
                firstRow = vertical.starts[0]
                let lastRow = vertical.starts[height - 1] + vertical.weights[height - 1].count
                image = horizontalPass(horizontal, rows: firstRow..<lastRow)
            }
            return needVertical ? image.verticalPass(vertical, rowOffset: firstRow) : image
        }
        let image = needVertical ? verticalPass(vertical, rowOffset: 0) : self
        return needHorizontal ? image.horizontalPass(horizontal, rows: 0..<image.height) : image
    }

    private func horizontalPass(_ axis: ResampleAxis, rows: Range<Int>) -> PixelImage {
        let outWidth = axis.starts.count
        var out = [UInt8](repeating: 0, count: outWidth * rows.count * channels)
        pixels.withUnsafeBufferPointer { source in
            for (row, y) in rows.enumerated() {
                for xx in 0..<outWidth {
                    let start = axis.starts[xx], k = axis.weights[xx]
                    for c in 0..<channels {
                        var sum = 1 << (ResampleAxis.precisionBits - 1)
                        for (x, weight) in k.enumerated() { sum += Int(source[(y * width + start + x) * channels + c]) * weight }
                        out[(row * outWidth + xx) * channels + c] = ResampleAxis.clip(sum)
                    }
                }
            }
        }
        return PixelImage(width: outWidth, height: rows.count, channels: channels, pixels: out)
    }

    /// `rowOffset` is the source row this image's row 0 stands for (the horizontal pass kept only the rows needed).
    private func verticalPass(_ axis: ResampleAxis, rowOffset: Int) -> PixelImage {
        let outHeight = axis.starts.count
        var out = [UInt8](repeating: 0, count: width * outHeight * channels)
        pixels.withUnsafeBufferPointer { source in
            for yy in 0..<outHeight {
                let start = axis.starts[yy] - rowOffset, k = axis.weights[yy]
                for i in 0..<(width * channels) {
                    var sum = 1 << (ResampleAxis.precisionBits - 1)
                    for (y, weight) in k.enumerated() { sum += Int(source[(start + y) * width * channels + i]) * weight }
                    out[yy * width * channels + i] = ResampleAxis.clip(sum)
                }
            }
        }
        return PixelImage(width: width, height: outHeight, channels: channels, pixels: out)
    }
}
