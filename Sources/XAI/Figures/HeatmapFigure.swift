import KerasLensGraph

extension Figure {
    /// A 2-D explanation as the course drew it — `plt.imshow(img); plt.imshow(heatmap, cmap='jet', alpha=0.5)` — the
    /// image with the map laid over it in jet colours at opacity `alpha`.
    ///
    /// - Parameters:
    ///   - image: one image shaped (H, W) or (H, W, C), C = 1 (grey) or 3 (RGB), finite. Values in [0, 1] are shown as
    ///     they are; an image with values outside (0–255 pixels, standardised inputs) is rescaled from its min–max.
    ///   - map: the explanation, shaped (H, W). A map of another size (a CAM left at its layer's size) is stretched
    ///     over the image by nearest neighbour, so its cells show as blocks.
    ///   - alpha: the map's opacity, 0.5 as in the course's figures.
    ///   - minimumSide: small images are enlarged by a whole factor, nearest neighbour, until their longer side reaches
    ///     this many pixels, so that a 28×28 input is not a thumbnail.
    public static func overlay(
        image: Tensor, map: Tensor, alpha: Double = 0.5, minimumSide: Int = 224
    ) throws(FigureError) -> PNGImage {
        let size = try imageShape(image), cells = try mapShape(map)
        try requireFinite(image.scalars, "image")
        let pixels = displayedUnitValues(image.scalars)
        let scale = enlargement(height: size.height, width: size.width, minimumSide: minimumSide)
        var out = PNGImage(width: size.width * scale, height: size.height * scale)
        for y in 0..<out.height {
            for x in 0..<out.width {
                let i = ((y / scale) * size.width + x / scale) * size.channels
                let below = size.channels == 1
                    ? RGBColor(unitRed: Double(pixels[i]), green: Double(pixels[i]), blue: Double(pixels[i]))
                    : RGBColor(unitRed: Double(pixels[i]), green: Double(pixels[i + 1]), blue: Double(pixels[i + 2]))
                let cell = map.scalars[(y * cells.height / out.height) * cells.width + x * cells.width / out.width]
                out[x, y] = below.overlaid(with: Colormap.jet(cell), alpha: alpha)
            }
        }
        return out
    }

    /// The map alone in jet colours (`plt.imshow(heatmap, cmap='jet')`), enlarged by a whole factor, nearest
    /// neighbour, until its longer side reaches `minimumSide` pixels.
    public static func heatmap(_ map: Tensor, minimumSide: Int = 224) throws(FigureError) -> PNGImage {
        let cells = try mapShape(map)
        let scale = enlargement(height: cells.height, width: cells.width, minimumSide: minimumSide)
        var image = PNGImage(width: cells.width * scale, height: cells.height * scale)
        for y in 0..<image.height {
            for x in 0..<image.width { image[x, y] = Colormap.jet(map.scalars[(y / scale) * cells.width + x / scale]) }
        }
        return image
    }

    /// The smallest whole factor that brings the longer side to `minimumSide` (1 for images already that large).
    private static func enlargement(height: Int, width: Int, minimumSide: Int) -> Int {
        let longer = max(height, width)
        return max(1, (minimumSide + longer - 1) / longer)
    }

    /// Image values as shown: unchanged when all lie in [0, 1], else rescaled so that the minimum is 0 and the maximum
    /// 1 (clamped when the image is one constant outside [0, 1]).
    private static func displayedUnitValues(_ values: [Float]) -> [Float] {
        let low = values.min() ?? 0, high = values.max() ?? 0
        guard low < 0 || high > 1 else { return values }
        guard high > low else { return values.map { min(max($0, 0), 1) } }
        return values.map { ($0 - low) / (high - low) }
    }
}
