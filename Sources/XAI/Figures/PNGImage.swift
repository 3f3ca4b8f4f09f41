/// An 8-bit raster of RGB or RGBA pixels, the form every figure is built in before it is encoded as PNG
/// (`pngData()`). Samples are one contiguous row-major buffer, pixel after pixel, channel after channel, with no
/// row padding, which is also the layout PNG scanlines take.
public struct PNGImage: Sendable, Equatable {
    /// Which channels each pixel has; the raw value is the number of bytes per pixel.
    public enum Layout: Int, Sendable {
        case rgb = 3
        case rgba = 4
    }

    public let width: Int
    public let height: Int
    public let layout: Layout
    /// `width · height · layout.rawValue` bytes, row-major.
    public private(set) var samples: [UInt8]

    /// An image of one colour; with `.rgba`, every pixel gets opacity `alpha`.
    public init(width: Int, height: Int, layout: Layout = .rgb, fill: RGBColor = .white, alpha: UInt8 = 255) {
        precondition(width > 0 && height > 0 && width < 1 << 31 && height < 1 << 31,
                     "PNG dimensions must be in 1..<2^31, got \(width)×\(height)")
        self.width = width
        self.height = height
        self.layout = layout
        let pixel = layout == .rgb ? [fill.red, fill.green, fill.blue] : [fill.red, fill.green, fill.blue, alpha]
        samples = [UInt8](unsafeUninitializedCapacity: width * height * pixel.count) { buffer, count in
            for i in 0..<buffer.count { buffer[i] = pixel[i % pixel.count] }
            count = buffer.count
        }
    }

    /// The colour of the pixel at column `x`, row `y` (row 0 at the top); setting it keeps the pixel's opacity.
    public subscript(x: Int, y: Int) -> RGBColor {
        get {
            let i = offset(x, y)
            return RGBColor(red: samples[i], green: samples[i + 1], blue: samples[i + 2])
        }
        set {
            let i = offset(x, y)
            samples[i] = newValue.red
            samples[i + 1] = newValue.green
            samples[i + 2] = newValue.blue
        }
    }

    /// The opacity of the pixel at (`x`, `y`) of an `.rgba` image (255 opaque).
    public subscript(alphaAt x: Int, y: Int) -> UInt8 {
        get {
            precondition(layout == .rgba, "an RGB image has no alpha channel")
            return samples[offset(x, y) + 3]
        }
        set {
            precondition(layout == .rgba, "an RGB image has no alpha channel")
            samples[offset(x, y) + 3] = newValue
        }
    }

    private func offset(_ x: Int, _ y: Int) -> Int {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside \(width)×\(height)")
        return (y * width + x) * layout.rawValue
    }
}
