import Graph

extension Explanation {
    /// Sample `index`'s map laid over the original picture at the picture's own size, as the keras.io Grad-CAM
    /// tutorial's `save_and_display_gradcam` shows it: the map (scaled to a maximum of 1) resized smoothly (bilinear)
    /// from the model's input size to the picture's, then overlaid in jet colours at opacity 0.5.
    ///
    /// - Parameter image: the picture the model's input was made from, shaped (H, W) or (H, W, 1 or 3), values in
    ///   [0, 1]; any size.
    public func figure(_ index: Int, over image: Tensor) throws(FigureError) -> PNGImage {
        let size = try Figure.imageShape(image)
        let spatial = Array(maps.shape.dropFirst())
        guard spatial.count == 2 else {
            throw FigureError(.shape, "only 2-D maps are drawn over a picture; this map is shaped \(spatial)")
        }
        let normalized = MapMath.normalized(Array(map(index)))
        let resized = Resampling.resize(normalized, shape: spatial, to: [size.height, size.width], method: .linear)
        return try Figure.overlay(image: image, map: Tensor(shape: [size.height, size.width], scalars: resized), minimumSide: 1)
    }
}
