/// How an image is brought to the model's input size: PIL's filters as `keras.utils.load_img` names them.
public enum ResizeMethod: String, Sendable, CaseIterable {
    case nearest, bilinear, bicubic
}

/// The source rectangle a resize reads, in source pixels (PIL's `box`): the whole image, or Keras's
/// `keep_aspect_ratio` center crop.
public struct ResizeBox: Sendable, Equatable {
    public var x0, y0, x1, y1: Int

    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    public static func whole(_ image: PixelImage) -> ResizeBox {
        ResizeBox(x0: 0, y0: 0, x1: image.width, y1: image.height)
    }

    /// `keras.utils.load_img(..., keep_aspect_ratio=True)`'s box: the largest centered region with the target's
    /// aspect ratio, in integer arithmetic as Keras computes it.
    public static func centerCrop(_ image: PixelImage, width targetWidth: Int, height targetHeight: Int) -> ResizeBox {
        let cropHeight = min(image.height, image.width * targetHeight / targetWidth)
        let cropWidth = min(image.width, image.height * targetWidth / targetHeight)
        let top = (image.height - cropHeight) / 2, left = (image.width - cropWidth) / 2
        return ResizeBox(x0: left, y0: top, x1: left + cropWidth, y1: top + cropHeight)
    }
}

extension PixelImage {
    /// The image resized to `width`×`height` from `box`, pixel for pixel as Pillow's `Image.resize(size, resample,
    /// box)` gives it for modes L and RGB: a copy when nothing changes, a crop when the box already has the size,
    /// nearest neighbour through Pillow's affine scaling, and bilinear/bicubic through its two-pass resampling.
    public func resized(width: Int, height: Int, method: ResizeMethod, box: ResizeBox? = nil) -> PixelImage {
        let box = box ?? .whole(self)
        if width == self.width, height == self.height, box == .whole(self) { return self }
        if box.x1 - box.x0 == width, box.y1 - box.y0 == height { return cropped(box) }
        switch method {
        case .nearest: return nearestScaled(width: width, height: height, box: box)
        case .bilinear: return resampled(width: width, height: height, box: box, filter: .bilinear)
        case .bicubic: return resampled(width: width, height: height, box: box, filter: .bicubic)
        }
    }

    func cropped(_ box: ResizeBox) -> PixelImage {
        let rowBytes = (box.x1 - box.x0) * channels
        var out: [UInt8] = []
        out.reserveCapacity(rowBytes * (box.y1 - box.y0))
        for y in box.y0..<box.y1 {
            let start = (y * width + box.x0) * channels
            out += pixels[start..<(start + rowBytes)]
        }
        return PixelImage(width: box.x1 - box.x0, height: box.y1 - box.y0, channels: channels, pixels: out)
    }
}
