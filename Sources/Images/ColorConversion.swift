extension PixelImage {
    /// The image as PIL's `convert("L")` (channels 1) or `convert("RGB")` (channels 3) gives it, the conversions
    /// `keras.utils.load_img` makes: alpha is dropped, not composited; gray is replicated to RGB; RGB becomes gray by
    /// PIL's integer ITU-R 601-2 luma, `(19595 R + 38470 G + 7471 B + 0x8000) >> 16`.
    public func converted(toChannels target: Int) -> PixelImage {
        precondition(target == 1 || target == 3, "Keras images have 1 or 3 channels")
        if channels == target { return self }
        let count = width * height
        var out = [UInt8](repeating: 0, count: count * target)
        pixels.withUnsafeBufferPointer { source in
            for p in 0..<count {
                let base = p * channels
                if channels <= 2 {
                    for c in 0..<target { out[p * target + c] = source[base] }
                } else if target == 3 {
                    out[p * 3] = source[base]
                    out[p * 3 + 1] = source[base + 1]
                    out[p * 3 + 2] = source[base + 2]
                } else {
                    let luma = Int(source[base]) * 19595 + Int(source[base + 1]) * 38470 + Int(source[base + 2]) * 7471 + 0x8000
                    out[p] = UInt8(luma >> 16)
                }
            }
        }
        return PixelImage(width: width, height: height, channels: target, pixels: out)
    }
}
