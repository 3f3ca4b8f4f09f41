/// 8-bit pixels, channels interleaved, rows top to bottom: what a decoder gives and what a PIL image in mode `L`
/// (1 channel) or `RGB` (3) holds; decoders may also give gray+alpha (2) or RGBA (4) before conversion.
public struct PixelImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]
    /// The file held 16-bit gray samples, clipped here to 255 as PIL's `convert("RGB")` clips them; for a 1-channel
    /// model Keras keeps them whole (mode I;16, up to 65,535), which 8-bit pixels cannot hold.
    public var sixteenBitGray = false

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}
