import KerasLensGraph
import KerasLensImages

extension Explanation {
    /// Sample `index`'s map laid over the picture it explains, at the picture's own size, computed step for step as the
    /// keras.io Grad-CAM tutorial's `save_and_display_gradcam` computes the image it saves (tested against it on
    /// Xception): the map (scaled to a maximum of 1) as 8-bit levels, those levels in jet colours, the coloured map
    /// stretched to 0–255 (`array_to_img`), resized to the picture by PIL's bicubic filter (`Image.resize`'s default),
    /// `alpha · colours + picture`, and that sum stretched to 0–255 again. A CAM left at its layer's size
    /// (`--upsample none`) gives exactly the tutorial's figure; an upsampled map gives its smoother counterpart.
    ///
    /// - Parameter picture: the picture the model's input was made from, grey or RGB, any size.
    public func figure(_ index: Int, over picture: PixelImage, alpha: Float = 0.4) throws(FigureError) -> PNGImage {
        let spatial = Array(maps.shape.dropFirst())
        guard spatial.count == 2 else {
            throw FigureError(.shape, "only 2-D maps are drawn over a picture; this map is shaped \(spatial)")
        }
        guard picture.channels == 1 || picture.channels == 3 else {
            throw FigureError(.shape, "a picture to draw over is grey or RGB; this one has \(picture.channels) channels")
        }
        let colours = Self.jetLevels(MapMath.normalized(Array(map(index))))
        let stretchedColours = Self.stretchedTo8Bit(colours.flatMap { [Float($0.red), Float($0.green), Float($0.blue)] })
        let coloured = PixelImage(width: spatial[1], height: spatial[0], channels: 3, pixels: stretchedColours)
            .resized(width: picture.width, height: picture.height, method: .bicubic)
        let sum = coloured.pixels.indices.map { i in
            Float(coloured.pixels[i]) * alpha + Float(picture.pixels[picture.channels == 3 ? i : i / 3])
        }
        let blended = Self.stretchedTo8Bit(sum)
        var image = PNGImage(width: picture.width, height: picture.height)
        for y in 0..<picture.height {
            for x in 0..<picture.width {
                let i = (y * picture.width + x) * 3
                image[x, y] = RGBColor(red: blended[i], green: blended[i + 1], blue: blended[i + 2])
            }
        }
        return image
    }

    /// `jet(np.arange(256))[:, :3][np.uint8(255 · map)]`: each value's 8-bit level (truncated, as NumPy casts) picks
    /// an entry of the jet lookup table; a non-finite value (a map whose maximum is not positive) takes level 0.
    private static func jetLevels(_ map: [Float]) -> [(red: Double, green: Double, blue: Double)] {
        map.map { value in
            let level = 255 * max(value, 0)
            return Colormap.jet.entry(level.isFinite ? Int(min(level, 255)) : 0)
        }
    }

    /// `keras.utils.array_to_img`'s scaling in float32: minus the minimum, divided by the (new) maximum unless it is 0,
    /// times 255, truncated to 8 bits.
    private static func stretchedTo8Bit(_ values: [Float]) -> [UInt8] {
        let low = values.min() ?? 0
        let shifted = values.map { $0 - low }
        let high = shifted.max() ?? 0
        return shifted.map { value in
            let unit = high != 0 ? value / high : value
            return UInt8(min(max(unit * 255, 0), 255))
        }
    }
}
