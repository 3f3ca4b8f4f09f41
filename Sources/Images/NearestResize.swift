extension PixelImage {
    /// Pillow's `ImagingScaleAffine` (libImaging/Geometry.c), which `resize` uses for NEAREST: the step is
    /// `(double)(float box extent) / size`, and the source position is a running double sum started at half a step,
    /// truncated — not `(i + 0.5) * step`, which rounds differently where it lands on an integer. A position outside
    /// the source leaves the pixel 0, as Pillow's fill does.
    func nearestScaled(width: Int, height: Int, box: ResizeBox) -> PixelImage {
        let columns = Self.nearestPositions(from: box.x0, to: box.x1, count: width, limit: self.width)
        let rows = Self.nearestPositions(from: box.y0, to: box.y1, count: height, limit: self.height)
        var out = [UInt8](repeating: 0, count: width * height * channels)
        for (y, row) in rows.enumerated() {
            guard let row else { continue }
            for (x, column) in columns.enumerated() {
                guard let column else { continue }
                let source = (row * self.width + column) * channels, target = (y * width + x) * channels
                for c in 0..<channels { out[target + c] = pixels[source + c] }
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: out)
    }

    /// Source index of each output position along one axis, nil where Pillow's sum falls outside the source.
    static func nearestPositions(from start: Int, to end: Int, count: Int, limit: Int) -> [Int?] {
        let step = Double(Float(end) - Float(start)) / Double(count)
        var position = Double(Float(start)) + step * 0.5
        var result: [Int?] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            let index = position < 0 ? -1 : Int(position)
            result.append(index >= 0 && index < limit ? index : nil)
            position += step
        }
        return result
    }
}
