import Foundation
import FuzzDriver
import KerasLensImages

/// One libFuzzer input: any bytes as a PNG or JPEG file, decoded through libpng or libjpeg-turbo and, when that
/// succeeds, converted and resized as a model input would be. A refusal (`ImageError`) is the expected outcome; a
/// crash or a sanitizer report is a bug. Images are capped at 2^16 pixels here: a few bytes of JPEG can declare
/// 80 million pixels that libjpeg then decodes (as Pillow would), seconds of work under AddressSanitizer that teach
/// the fuzzer nothing.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzImage(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, let decoded = try? ImageDecoder.decode(Data(bytes: start, count: count), name: "fuzz.img", limit: 1 << 16),
          let loader = try? ImageLoader(sampleShape: [7, 5, 3], resampling: count % 2 == 0 ? .bicubic : .nearest,
                                        keepAspectRatio: count % 3 == 0) else { return 0 }
    _ = loader.pixels(of: decoded)
    return 0
}

exit(runLibFuzzer { fuzzImage($0, $1) })
