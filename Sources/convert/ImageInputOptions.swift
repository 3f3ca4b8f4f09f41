import ArgumentParser
import KerasLens

extension ResizeMethod: ExpressibleByArgument {}
extension Preprocessing: ExpressibleByArgument {}

/// How image inputs (a .png/.jpg/.jpeg file or a folder of them) become model inputs; .npy inputs ignore these.
struct ImageInputOptions: ParsableArguments {
    @Option(help: "Image inputs: resize to the model's input size with nearest, bilinear or bicubic (PIL's, as keras.utils.load_img).")
    var resize: ResizeMethod = .nearest
    @Flag(help: "Image inputs: center-crop to the model's aspect ratio first (Keras's keep_aspect_ratio).")
    var keepAspectRatio = false
    @Option(help: "Image inputs: none (0–255), unit (÷255), tf (to [-1, 1]), caffe (BGR minus ImageNet means), torch (÷255, ImageNet mean and std).")
    var preprocess: Preprocessing = .none

    func loader(sampleShape: [Int], option: String) throws -> ImageLoader {
        do {
            return try ImageLoader(sampleShape: sampleShape, resampling: resize, keepAspectRatio: keepAspectRatio, preprocessing: preprocess)
        } catch {
            throw InputError("\(option): \(error)")
        }
    }
}
