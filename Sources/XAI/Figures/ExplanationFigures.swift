import KerasLensGraph

extension Explanation {
    /// The pictures of sample `index`: for a 1-D input its signal (the first channel) above the map's colour strip;
    /// for a 2-D input the image with the map overlaid, then the bare heatmap. Maps are shown scaled to a maximum
    /// of 1 (LIME's coefficients are not scaled otherwise).
    public func figures(_ index: Int, inputs: Tensor) throws(FigureError) -> [PNGImage] {
        let spatial = Array(maps.shape.dropFirst())
        let map = Tensor(shape: spatial, scalars: MapMath.normalized(Array(map(index))))
        let size = inputs.shape.dropFirst().reduce(1, *)
        let sampleShape = Array(inputs.shape.dropFirst())
        let sample = Tensor(shape: sampleShape, scalars: Array(inputs.scalars[(index * size)..<((index + 1) * size)]))
        if spatial.count == 1 {
            let channels = sampleShape.count > 1 ? sampleShape.last! : 1
            let signal = Tensor(shape: [sampleShape[0]], scalars: stride(from: 0, to: size, by: channels).map { sample.scalars[$0] })
            return [try Figure.signal(signal, map: map)]
        }
        return [try Figure.overlay(image: sample, map: map), try Figure.heatmap(map)]
    }
}
