/// Loads image files as a model's input, value for value what `keras.utils.load_img(path, color_mode,
/// target_size=(height, width), interpolation, keep_aspect_ratio)` followed by `img_to_array` (and optionally a
/// `preprocess_input` mode) gives.
public struct ImageLoader: Sendable {
    public var height: Int
    public var width: Int
    /// 1 (Keras's `color_mode="grayscale"`) or 3 (`"rgb"`).
    public var channels: Int
    public var resampling: ResizeMethod
    public var keepAspectRatio: Bool
    public var preprocessing: Preprocessing

    /// `sampleShape` is the model's per-sample input shape, which must be (height, width, 1 or 3).
    public init(sampleShape: [Int], resampling: ResizeMethod = .nearest, keepAspectRatio: Bool = false,
                preprocessing: Preprocessing = .none) throws(ImageError) {
        guard sampleShape.count == 3, sampleShape[0] > 0, sampleShape[1] > 0, [1, 3].contains(sampleShape[2]) else {
            throw ImageError(file: "the model", "its input shape \(sampleShape) is not an image's (height, width, 1 or 3 channels)")
        }
        if preprocessing.needsRGB, sampleShape[2] != 3 {
            throw ImageError(file: "the model", "--preprocess \(preprocessing.rawValue) works on RGB images; the model takes \(sampleShape[2]) channel")
        }
        height = sampleShape[0]
        width = sampleShape[1]
        channels = sampleShape[2]
        self.resampling = resampling
        self.keepAspectRatio = keepAspectRatio
        self.preprocessing = preprocessing
    }

    /// The file's pixels at the model's size, before the float conversion.
    public func pixels(path: String) throws(ImageError) -> PixelImage {
        pixels(of: try decoded(path))
    }

    /// `load_img`'s conversion and resize of a decoded image.
    public func pixels(of decoded: PixelImage) -> PixelImage {
        let image = decoded.converted(toChannels: channels)
        guard image.width != width || image.height != height else { return image }
        let box = keepAspectRatio ? ResizeBox.centerCrop(image, width: width, height: height) : nil
        return image.resized(width: width, height: height, method: resampling, box: box)
    }

    /// The part of the file the model sees, at the file's own resolution: the whole image, or the center crop with
    /// `keepAspectRatio`, in the model's channels — what an explanation is drawn over.
    public func shownPixels(path: String) throws(ImageError) -> PixelImage {
        let image = try decoded(path).converted(toChannels: channels)
        return keepAspectRatio ? image.cropped(ResizeBox.centerCrop(image, width: width, height: height)) : image
    }

    private func decoded(_ path: String) throws(ImageError) -> PixelImage {
        let image = try ImageDecoder.read(path: path)
        guard channels == 3 || !image.sixteenBitGray else {
            throw ImageError(file: path, "a 16-bit grayscale PNG: for a 1-channel model Keras keeps its values up to 65,535, which KerasLens's 8-bit pixels cannot hold; save it with 8 bits")
        }
        return image
    }

    /// One sample, (height, width, channels) in C order.
    public func load(path: String) throws(ImageError) -> [Float] {
        var values = try pixels(path: path).pixels.map(Float.init)
        preprocessing.apply(&values, channels: channels)
        return values
    }
}
