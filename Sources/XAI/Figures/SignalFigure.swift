import KerasLensGraph

extension Figure {
    /// A 1-D explanation as the course drew it for MNIST-1D: the signal as a dark line across a light plot, and under
    /// it the map as a strip of jet-coloured blocks, block `i` directly below sample `i`. There is no text (no font is
    /// carried): a grey line marks zero where the plot spans it, and ticks under the plot every 1, 2 or 5 × 10ⁿ
    /// samples let positions be counted.
    ///
    /// - Parameters:
    ///   - signal: one sample of one channel, `L` values (shaped (L), (L, 1), (1, L, 1), …); must be finite.
    ///   - map: the explanation over the same positions, shaped like `signal`. A map with another number of positions
    ///     (a CAM left at its layer's size) is spread over the same width, its blocks then equal to within a pixel.
    ///   - width, height: the figure's size in pixels. Each sample gets a whole number of pixels so that every block
    ///     is equally wide, so the plot can be a little narrower than asked — or the figure wider, when `L` exceeds
    ///     the width, so that every sample keeps at least one pixel.
    ///   - mapBehindSignal: also shade the plot behind the line with the map, to read importance against the curve.
    public static func signal(
        _ signal: Tensor, map: Tensor, width: Int = 640, height: Int = 320, mapBehindSignal: Bool = false
    ) throws(FigureError) -> PNGImage {
        let values = try sequence(signal, "signal"), importance = try sequence(map, "map")
        try requireFinite(values, "signal")
        guard height >= SignalLayout.minimumHeight else {
            throw FigureError(.shape, "a signal figure needs a height of at least \(SignalLayout.minimumHeight), got \(height)")
        }
        let layout = SignalLayout(samples: values.count, width: width, height: height)
        var canvas = Canvas(width: layout.figureWidth, height: height, background: .white)
        let plot = layout.plot, strip = layout.strip

        canvas.fill(x: plot.x, y: plot.y, width: plot.width, height: plot.height, color: SignalStyle.plotBackground)
        for (j, value) in importance.enumerated() {
            let block = layout.block(j, of: importance.count)
            canvas.fill(x: block.lowerBound, y: strip.y, width: block.count, height: strip.height,
                        color: Colormap.jet(value))
            if mapBehindSignal {
                canvas.fill(x: block.lowerBound, y: plot.y, width: block.count, height: plot.height,
                            color: Colormap.jet(value), alpha: SignalStyle.shadeAlpha)
            }
        }

        let range = ValueRange(values)
        if range.low < 0, range.high > 0 {
            let zero = Int(layout.y(0, in: range).rounded(.down))
            canvas.fill(x: plot.x, y: zero, width: plot.width, height: 1, color: SignalStyle.zeroLine)
        }
        canvas.stroke(values.indices.map { SIMD2(layout.x(sample: $0), layout.y(Double(values[$0]), in: range)) },
                      width: SignalStyle.lineWidth, color: SignalStyle.line)

        for sample in stride(from: 0, to: values.count, by: SignalLayout.tickStep(values.count)) {
            let x = Int(layout.x(sample: sample).rounded(.down))
            canvas.fill(x: x, y: plot.y + plot.height, width: 1, height: SignalStyle.tickLength, color: SignalStyle.frame)
        }
        canvas.outline(plot, color: SignalStyle.frame)
        canvas.outline(strip, color: SignalStyle.frame)
        return canvas.image
    }
}

/// The colours and sizes of the signal figure, in one place so that the figure can be restyled without touching its
/// geometry.
private enum SignalStyle {
    static let plotBackground = RGBColor(red: 248, green: 248, blue: 248)
    static let line = RGBColor(red: 28, green: 28, blue: 36)
    static let lineWidth = 2.0
    static let frame = RGBColor(red: 64, green: 64, blue: 64)
    static let zeroLine = RGBColor(red: 210, green: 210, blue: 210)
    static let tickLength = 4
    static let shadeAlpha = 0.35
}

/// The signal's value range with a 6 % margin, so that the line never runs along the frame; a flat signal gets a
/// range of ±1 around its value so that it is drawn across the middle.
private struct ValueRange {
    var low: Double
    var high: Double

    init(_ values: [Float]) {
        let low = Double(values.min() ?? 0), high = Double(values.max() ?? 0)
        let margin = high > low ? 0.06 * (high - low) : 1
        self.low = low - margin
        self.high = high + margin
    }
}

/// Where the parts of the signal figure go: a frame for the plot, a gap, and the strip along the bottom, all sharing
/// one horizontal extent of `samples` equal columns.
private struct SignalLayout {
    struct Box {
        var x: Int, y: Int, width: Int, height: Int
    }

    static let margin = 20
    static let minimumHeight = 120

    let figureWidth: Int
    let plot: Box
    let strip: Box
    let column: Int

    init(samples: Int, width: Int, height: Int) {
        let available = max(width - 2 * Self.margin, 1)
        column = max(available / samples, 1)
        let extent = column * samples
        figureWidth = max(width, extent + 2 * Self.margin)
        let left = (figureWidth - extent) / 2
        let stripHeight = max(height / 10, 12), gap = max(height / 24, 8)
        let stripTop = height - Self.margin - stripHeight
        strip = Box(x: left, y: stripTop, width: extent, height: stripHeight)
        plot = Box(x: left, y: Self.margin, width: extent, height: stripTop - gap - Self.margin)
    }

    /// The centre of sample `i`'s column.
    func x(sample i: Int) -> Double { Double(plot.x) + (Double(i) + 0.5) * Double(column) }

    /// The height of `value` inside the plot's frame (y grows downwards).
    func y(_ value: Double, in range: ValueRange) -> Double {
        let top = Double(plot.y + 1), bottom = Double(plot.y + plot.height - 1)
        return bottom - (value - range.low) / (range.high - range.low) * (bottom - top)
    }

    /// The pixel columns of block `j` of a map with `count` blocks across the plot's extent.
    func block(_ j: Int, of count: Int) -> Range<Int> {
        (plot.x + j * plot.width / count)..<(plot.x + (j + 1) * plot.width / count)
    }

    /// A tick every 1, 2 or 5 × 10ⁿ samples, the smallest such step giving at most 10 intervals.
    static func tickStep(_ samples: Int) -> Int {
        var scale = 1
        while true {
            for step in [1, 2, 5].map({ $0 * scale }) where samples <= 10 * step { return step }
            scale *= 10
        }
    }
}

extension Canvas {
    /// A one-pixel frame just inside the box, like a plot's axes.
    fileprivate mutating func outline(_ box: SignalLayout.Box, color: RGBColor) {
        fill(x: box.x, y: box.y, width: box.width, height: 1, color: color)
        fill(x: box.x, y: box.y + box.height - 1, width: box.width, height: 1, color: color)
        fill(x: box.x, y: box.y, width: 1, height: box.height, color: color)
        fill(x: box.x + box.width - 1, y: box.y, width: 1, height: box.height, color: color)
    }
}
