import CJPEG
import CPNG
import Foundation

/// Decodes PNG and JPEG files, told apart by their first bytes rather than their names, through libpng and
/// libjpeg-turbo (the C shims make their errors return here instead of printing or exiting).
public enum ImageDecoder {
    /// The largest image decoded, in pixels: PIL's own decompression-bomb threshold (`Image.MAX_IMAGE_PIXELS`,
    /// 89,478,485, about 256 MiB of RGBA). Larger declared sizes are refused before any pixel is allocated.
    public static let maxPixels = 89_478_485

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    public static func read(path: String) throws(ImageError) -> PixelImage {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw ImageError(file: path, "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, name: path)
    }

    /// Decodes the bytes of an image file; `name` is used in error messages. `limit` lowers the pixel limit (the
    /// fuzz target's, so that its runs explore the decoders rather than decode large images).
    public static func decode(_ data: Data, name: String, limit: Int = maxPixels) throws(ImageError) -> PixelImage {
        let head = [UInt8](data.prefix(8))
        if head.starts(with: pngSignature) { return try decodePNG(data, name: name, limit: min(limit, maxPixels)) }
        if head.starts(with: jpegSignature) { return try decodeJPEG(data, name: name, limit: min(limit, maxPixels)) }
        let kind = head.starts(with: Array("BM".utf8)) ? "a BMP file" : head.starts(with: Array("GIF8".utf8)) ? "a GIF file" : "not an image KerasLens reads"
        throw ImageError(file: name, "\(kind) (first bytes \(head.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " "))); KerasLens reads PNG and JPEG images")
    }

    private static func decodePNG(_ data: Data, name: String, limit: Int) throws(ImageError) -> PixelImage {
        var result = kl_png_result()
        let status = data.withUnsafeBytes { raw in
            kl_png_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt64(limit), &result)
        }
        defer { kl_png_free(&result) }
        switch Int(status) {
        case Int(KL_PNG_OK):
            var image = copy(result.pixels, width: Int(result.width), height: Int(result.height), channels: Int(result.channels))
            image.sixteenBitGray = result.sixteen_bit_gray != 0
            return image
        case Int(KL_PNG_TOO_LARGE):
            throw tooLarge(name, Int(result.width), Int(result.height), limit)
        default:
            throw ImageError(file: name, "not a readable PNG (libpng: \(message(result.message)))")
        }
    }

    private static func decodeJPEG(_ data: Data, name: String, limit: Int) throws(ImageError) -> PixelImage {
        var result = kl_jpeg_result()
        let status = data.withUnsafeBytes { raw in
            kl_jpeg_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt64(limit), &result)
        }
        defer { kl_jpeg_free(&result) }
        switch Int(status) {
        case Int(KL_JPEG_OK):
            let image = copy(result.pixels, width: Int(result.width), height: Int(result.height), channels: Int(result.channels))
            return image.channels == 4 ? image.rgbFromStoredCMYK() : image
        case Int(KL_JPEG_TOO_LARGE):
            throw tooLarge(name, Int(result.width), Int(result.height), limit)
        default:
            throw ImageError(file: name, "not a readable JPEG (libjpeg: \(message(result.message)))")
        }
    }

    private static func tooLarge(_ name: String, _ width: Int, _ height: Int, _ limit: Int) -> ImageError {
        ImageError(file: name, "declares \(width)×\(height) pixels, more than the \(limit) KerasLens decodes")
    }

    private static func copy(_ pixels: UnsafeMutablePointer<UInt8>?, width: Int, height: Int, channels: Int) -> PixelImage {
        let count = width * height * channels
        let buffer = pixels.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
        return PixelImage(width: width, height: height, channels: channels, pixels: buffer)
    }

    private static func message<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
