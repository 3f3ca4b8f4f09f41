extension PixelImage {
    /// A 4-component JPEG's stored CMYK as PIL gives it: every channel inverted (PIL assumes Adobe's polarity for all
    /// of them, rawmode `CMYK;I`), then `convert("RGB")`: `R = clip(n − MULDIV255(c, n))` with `n = 255 − k`, G and B
    /// alike. PIL's `convert("L")` of CMYK is the luma of that RGB, so a 1-channel model gets it from here too.
    func rgbFromStoredCMYK() -> PixelImage {
        let count = width * height
        var out = [UInt8](repeating: 0, count: count * 3)
        for p in 0..<count {
            let n = Int(pixels[p * 4 + 3])  // 255 − k, k being the inverted stored value
            for channel in 0..<3 {
                let c = 255 - Int(pixels[p * 4 + channel])
                let tmp = c * n + 128
                out[p * 3 + channel] = UInt8(clamping: n - (((tmp >> 8) + tmp) >> 8))
            }
        }
        return PixelImage(width: width, height: height, channels: 3, pixels: out)
    }
}
