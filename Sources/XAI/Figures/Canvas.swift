/// The few drawing operations the explanation figures need — filled rectangles, translucent fills and anti-aliased
/// strokes — over an opaque RGB `PNGImage`. Coordinates are in pixels with y downwards; pixel (x, y) covers the
/// square [x, x + 1) × [y, y + 1), so its centre is (x + 0.5, y + 0.5). Everything is clipped to the image.
public struct Canvas: Sendable {
    public private(set) var image: PNGImage

    public init(width: Int, height: Int, background: RGBColor = .white) {
        image = PNGImage(width: width, height: height, layout: .rgb, fill: background)
    }

    /// Lays `color` over the pixels of the rectangle at opacity `alpha` (1 paints it solid).
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, color: RGBColor, alpha: Double = 1) {
        let xs = max(x, 0)..<min(x + width, image.width), ys = max(y, 0)..<min(y + height, image.height)
        for row in ys {
            for column in xs { blend(x: column, y: row, color: color, alpha: alpha) }
        }
    }

    /// Lays `color` over one pixel at opacity `alpha`; pixels outside the image are ignored.
    public mutating func blend(x: Int, y: Int, color: RGBColor, alpha: Double) {
        guard x >= 0, x < image.width, y >= 0, y < image.height, alpha > 0 else { return }
        image[x, y] = alpha >= 1 ? color : image[x, y].overlaid(with: color, alpha: alpha)
    }

    /// Draws the polyline through `points` as one anti-aliased stroke `width` pixels wide with round joins and caps.
    ///
    /// Each pixel's coverage is estimated from the distance `d` of its centre to the nearest segment as
    /// `clamp(width/2 + 0.5 − d, 0, 1)` (scaled down for strokes thinner than a pixel). Taking the nearest segment,
    /// rather than painting segment after segment, keeps joins from being painted twice and showing as dark knots.
    public mutating func stroke(_ points: [SIMD2<Double>], width: Double, color: RGBColor) {
        guard !points.isEmpty, width > 0 else { return }
        let half = width / 2, reach = half + 1, peak = min(width, 1)
        let low = points.dropFirst().reduce(points[0]) { pointwiseMin($0, $1) } - reach
        let high = points.dropFirst().reduce(points[0]) { pointwiseMax($0, $1) } + reach
        let x0 = max(Int(low.x.rounded(.down)), 0), x1 = min(Int(high.x.rounded(.up)), image.width)
        let y0 = max(Int(low.y.rounded(.down)), 0), y1 = min(Int(high.y.rounded(.up)), image.height)
        guard x0 < x1, y0 < y1 else { return }

        let boxWidth = x1 - x0
        var coverage = [Double](repeating: 0, count: boxWidth * (y1 - y0))
        let segments = points.count == 1 ? [(points[0], points[0])] : Array(zip(points, points.dropFirst()))
        for (a, b) in segments {
            let sx0 = max(Int((min(a.x, b.x) - reach).rounded(.down)), x0)
            let sx1 = min(Int((max(a.x, b.x) + reach).rounded(.up)), x1)
            let sy0 = max(Int((min(a.y, b.y) - reach).rounded(.down)), y0)
            let sy1 = min(Int((max(a.y, b.y) + reach).rounded(.up)), y1)
            guard sx0 < sx1, sy0 < sy1 else { continue }
            for row in sy0..<sy1 {
                for column in sx0..<sx1 {
                    let centre = SIMD2(Double(column) + 0.5, Double(row) + 0.5)
                    let c = min(max(half + 0.5 - Self.distance(centre, a, b), 0), 1) * peak
                    let i = (row - y0) * boxWidth + (column - x0)
                    coverage[i] = max(coverage[i], c)
                }
            }
        }
        for row in y0..<y1 {
            for column in x0..<x1 {
                blend(x: column, y: row, color: color, alpha: coverage[(row - y0) * boxWidth + (column - x0)])
            }
        }
    }

    /// The distance from `p` to the segment from `a` to `b`.
    private static func distance(_ p: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let ab = b - a, ap = p - a
        let lengthSquared = (ab * ab).sum()
        let t = lengthSquared == 0 ? 0 : min(max((ap * ab).sum() / lengthSquared, 0), 1)
        let offset = ap - t * ab
        return (offset * offset).sum().squareRoot()
    }
}
