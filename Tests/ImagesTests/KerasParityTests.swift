import KerasLensGraph
import KerasLensImages
import Testing

/// Every fixture case must give exactly the values Keras gave: decoding (PNG and JPEG), the RGB/grayscale
/// conversion, nearest/bilinear/bicubic resizing with and without keep_aspect_ratio, and the preprocess modes.
@Suite struct KerasParityTests {
    @Test(arguments: ImageFixtures.manifest.cases)
    func matchesKeras(_ item: ImageFixtures.Case) throws {
        let loader = try ImageLoader(sampleShape: [item.height, item.width, item.channels],
                                     resampling: try #require(ResizeMethod(rawValue: item.resize)),
                                     keepAspectRatio: item.keep_aspect_ratio,
                                     preprocessing: try #require(Preprocessing(rawValue: item.preprocess)))
        let actual = try loader.load(path: ImageFixtures.path(item.image))
        let expected = try NumPyFile.read(path: ImageFixtures.path(item.expected))
        #expect(expected.shape == [item.height, item.width, item.channels])
        let differing = zip(actual, expected.scalars).filter { $0 != $1 }.count
        #expect(actual.count == expected.scalars.count)
        #expect(differing == 0, "\(differing) of \(actual.count) values differ from Keras's")
    }

    /// `load_img` keeps a 16-bit gray PNG whole for a 1-channel model (values up to 65,535): refused, by name.
    @Test func sixteenBitGrayIsRefusedForOneChannelModels() throws {
        let loader = try ImageLoader(sampleShape: [10, 13, 1], resampling: .nearest, keepAspectRatio: false, preprocessing: .none)
        #expect { try loader.load(path: ImageFixtures.path("gray16_13x10.png")) } throws: { error in
            "\(error)".contains("gray16_13x10.png: a 16-bit grayscale PNG")
        }
    }

    @Test func coversEveryImageAndMode() {
        let cases = ImageFixtures.manifest.cases
        #expect(Set(cases.map(\.image)) == Set(ImageFixtures.manifest.images.keys))
        #expect(Set(cases.map(\.resize)) == Set(ResizeMethod.allCases.map(\.rawValue)))
        #expect(Set(cases.map(\.preprocess)) == Set(Preprocessing.allCases.map(\.rawValue)))
    }
}
