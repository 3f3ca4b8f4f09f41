import Foundation
import Testing

/// `Fixtures/images/manifest.json`, written by `Fixtures/generate_images.py`: small images and the arrays Keras's
/// `load_img` + `img_to_array` (+ `preprocess_input`) gave for them.
struct ImageFixtures: Decodable {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var image: String
        var channels: Int
        var height: Int
        var width: Int
        var resize: String
        var keep_aspect_ratio: Bool
        var preprocess: String
        var expected: String

        var testDescription: String { (expected as NSString).lastPathComponent }
    }

    var images: [String: String]
    var cases: [Case]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/images")

    static let manifest: ImageFixtures = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        return try! JSONDecoder().decode(ImageFixtures.self, from: data)
    }()

    static func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }
}
