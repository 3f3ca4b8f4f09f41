/// What is done to the 0–255 values after loading: nothing, a ÷255 scale, or one of the three modes of
/// `keras.applications`' `preprocess_input`, in float32 arithmetic in Keras's order of operations.
public enum Preprocessing: String, Sendable, CaseIterable {
    /// Raw 0–255 values, as `img_to_array` gives them.
    case none
    /// x / 255.
    case unit
    /// x / 127.5 − 1 (MobileNet, Xception, Inception…).
    case tf
    /// RGB → BGR, then minus the ImageNet means [103.939, 116.779, 123.68] (VGG, ResNet50…).
    case caffe
    /// x / 255, then minus the ImageNet mean [0.485, 0.456, 0.406] and ÷ std [0.229, 0.224, 0.225] (DenseNet…).
    case torch

    /// Whether the mode works per channel of an RGB image (and so needs 3 channels).
    public var needsRGB: Bool { self == .caffe || self == .torch }

    /// Applies the mode to interleaved values with `channels` channels per pixel.
    public func apply(_ values: inout [Float], channels: Int) {
        switch self {
        case .none:
            return
        case .unit:
            for i in values.indices { values[i] /= 255 }
        case .tf:
            for i in values.indices { values[i] = values[i] / 127.5 - 1 }
        case .caffe:
            precondition(channels == 3, "caffe preprocessing needs RGB")
            let means: [Float] = [103.939, 116.779, 123.68]
            for p in stride(from: 0, to: values.count, by: 3) {
                let (r, g, b) = (values[p], values[p + 1], values[p + 2])
                values[p] = b - means[0]
                values[p + 1] = g - means[1]
                values[p + 2] = r - means[2]
            }
        case .torch:
            precondition(channels == 3, "torch preprocessing needs RGB")
            let means: [Float] = [0.485, 0.456, 0.406], deviations: [Float] = [0.229, 0.224, 0.225]
            for i in values.indices {
                let c = i % 3
                values[i] = (values[i] / 255 - means[c]) / deviations[c]
            }
        }
    }
}
