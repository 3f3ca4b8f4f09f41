import Foundation
import FuzzDriver
import Images

/// One libFuzzer input: any bytes as a PNG or JPEG file, decoded through libpng or libjpeg-turbo and, when that
/// succeeds, converted and resized as a model input would be. A refusal (`ImageError`) is the expected outcome; a
/// crash, a sanitizer report or an allocation beyond the documented pixel limit is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzImage(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, let decoded = try? ImageDecoder.decode(Data(bytes: start, count: count), name: "fuzz.img"),
          let loader = try? ImageLoader(sampleShape: [7, 5, 3], resampling: count % 2 == 0 ? .bicubic : .nearest,
                                        keepAspectRatio: count % 3 == 0) else { return 0 }
    _ = loader.pixels(of: decoded)
    return 0
}

exit(runLibFuzzer { fuzzImage($0, $1) })
