import Foundation
import KerasLensImages
import Testing

/// Image files refused by the decoder, each with the reason in its message, the file named, and nothing allocated
/// from a declared size above the pixel limit.
@Suite struct ImageRefusalTests {
    static let cases: [Refusal<Void>] = [
        Refusal("not_an_image.png", (), "not an image KerasLens reads (first bytes 74 68 69 73)"),
        Refusal("empty.jpg", (), "not an image KerasLens reads"),
        Refusal("signature_only.png", (), "not a readable PNG (libpng: the file ends early (truncated))"),
        Refusal("truncated.png", (), "not a readable PNG (libpng: the file ends early (truncated))"),
        Refusal("truncated.jpg", (), "not a readable JPEG (libjpeg: the file ends early (truncated))"),
        Refusal("huge_declared.png", (), "declares 100000×100000 pixels, more than the 89478485 KerasLens decodes"),
        Refusal("huge_declared.jpg", (), "declares 65000×65000 pixels, more than the 89478485 KerasLens decodes"),
        Refusal("bad_crc.png", (), "not a readable PNG (libpng: IHDR: CRC error)"),
        Refusal("header_only.jpg", (), "not a readable JPEG (libjpeg: "),
        Refusal("image.bmp", (), "a BMP file (first bytes 42 4d"),
    ]

    @Test(arguments: cases) func isRefused(_ refusal: Refusal<Void>) {
        let path = BadInputCorpus.path("images", refusal.file)
        #expect {
            _ = try ImageDecoder.read(path: path)
        } throws: { error in
            guard let error = error as? ImageError else { return false }
            return error.file == path && error.detail.contains(refusal.fragment)
        }
    }

    /// A valid PNG and JPEG cut anywhere before the end of their image data are refused, never a crash.
    @Test(arguments: ["rgb_37x23.png", "rgb_41x27.jpg"]) func everyCutIsRefused(_ name: String) throws {
        let fixture = BadInputCorpus.root.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/images").appendingPathComponent(name)
        let valid = try Data(contentsOf: fixture)
        _ = try ImageDecoder.decode(valid, name: name)
        for length in stride(from: 0, to: valid.count - 16, by: max(1, valid.count / 97)) {
            #expect(throws: ImageError.self) { _ = try ImageDecoder.decode(valid.prefix(length), name: "cut") }
        }
    }

    /// A folder extension Keras lists but KerasLens does not read is refused by name in an image set.
    @Test func bmpInAFolderIsRefused() {
        #expect {
            _ = try ImageSet(path: BadInputCorpus.root.appendingPathComponent("images").path)
        } throws: { error in
            (error as? ImageError)?.detail == ".bmp images are not read; KerasLens reads PNG and JPEG"
        }
    }
}
