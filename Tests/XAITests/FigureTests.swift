import CZlibShim
import Foundation
import KerasLensGraph
import Testing
import KerasLensXAI

/// A PNG reader written for these tests, independent of the encoder: it checks the signature, every chunk's CRC-32
/// (computed here bit by bit, not with zlib's `crc32` that the encoder uses), the chunk order, inflates the IDAT
/// stream with zlib's `uncompress` and undoes all five row filters, so a test can compare decoded pixels.
private struct DecodedPNG {
    enum Failure: Error, Equatable {
        case signature, truncated, crc(String), structure(String), inflate(Int32)
    }

    var width = 0, height = 0, colorType: UInt8 = 0, samples: [UInt8] = []
    var channels: Int { colorType == 6 ? 4 : 3 }

    init(_ file: [UInt8]) throws(Failure) {
        guard file.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw .signature }
        var at = 8, types: [String] = [], compressed: [UInt8] = []
        func word(_ i: Int) -> Int { file[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        while at < file.count {
            guard at + 12 <= file.count else { throw .truncated }
            let length = word(at)
            guard at + 12 + length <= file.count else { throw .truncated }
            let typed = Array(file[(at + 4)..<(at + 8 + length)])
            let type = String(decoding: typed[0..<4], as: UTF8.self), data = Array(typed[4...])
            guard UInt32(word(at + 8 + length)) == Self.crc32(typed) else { throw .crc(type) }
            types.append(type)
            switch type {
            case "IHDR":
                guard data.count == 13, data[8] == 8, data[10] == 0, data[11] == 0, data[12] == 0 else {
                    throw .structure("IHDR \(data)")
                }
                width = data[0..<4].reduce(0) { $0 << 8 | Int($1) }
                height = data[4..<8].reduce(0) { $0 << 8 | Int($1) }
                colorType = data[9]
            case "IDAT": compressed += data
            default: break
            }
            at += 12 + length
        }
        guard types.first == "IHDR", types.last == "IEND", types.contains("IDAT"), colorType == 2 || colorType == 6
        else { throw .structure("chunks \(types), colour type \(colorType)") }
        samples = try Self.unfiltered(Self.inflated(compressed, size: height * (1 + width * channels)),
                                      width: width, height: height, bytesPerPixel: channels)
    }

    func pixel(_ x: Int, _ y: Int) -> RGBColor {
        let i = (y * width + x) * channels
        return RGBColor(red: samples[i], green: samples[i + 1], blue: samples[i + 2])
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func inflated(_ data: [UInt8], size: Int) throws(Failure) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var length = uLong(size)
        let status = out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { uncompress(o.baseAddress, &length, $0.baseAddress, uLong($0.count)) }
        }
        guard status == Z_OK else { throw .inflate(status) }
        guard Int(length) == size else { throw .structure("inflated \(length) bytes, expected \(size)") }
        return out
    }

    private static func unfiltered(_ raw: [UInt8], width: Int, height: Int, bytesPerPixel bpp: Int) throws(Failure)
        -> [UInt8] {
        let rowBytes = width * bpp
        var out = [UInt8](repeating: 0, count: height * rowBytes)
        for y in 0..<height {
            let filter = raw[y * (rowBytes + 1)]
            for i in 0..<rowBytes {
                let x = Int(raw[y * (rowBytes + 1) + 1 + i])
                let a = i >= bpp ? Int(out[y * rowBytes + i - bpp]) : 0
                let b = y > 0 ? Int(out[(y - 1) * rowBytes + i]) : 0
                let c = i >= bpp && y > 0 ? Int(out[(y - 1) * rowBytes + i - bpp]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw .structure("filter type \(filter)")
                }
                out[y * rowBytes + i] = UInt8((x + predictor) & 0xFF)
            }
        }
        return out
    }
}

private func decode(_ image: PNGImage) throws -> DecodedPNG { try DecodedPNG(image.pngData()) }

/// The colour an 8-bit image shows for matplotlib's float colour, rounded to the nearest level.
private func bytes(_ r: Double, _ g: Double, _ b: Double) -> RGBColor {
    RGBColor(red: UInt8((r * 255).rounded()), green: UInt8((g * 255).rounded()), blue: UInt8((b * 255).rounded()))
}

@Suite struct ColormapTests {
    /// `matplotlib.cm.jet(x)[:3]` as matplotlib prints it.
    static let matplotlibJet: [(Float, (Double, Double, Double))] = [
        (0, (0, 0, 0.5)),
        (0.25, (0, 0.503921568627451, 1)),
        (0.375, (0.08538899430740036, 1, 0.8823529411764706)),
        (0.5, (0.4901960784313725, 1, 0.4775458570524984)),
        (0.625, (0.8950031625553446, 1, 0.07273877292852626)),
        (1, (0.5, 0, 0)),
    ]

    @Test(arguments: matplotlibJet.indices) func jetMatchesMatplotlib(_ k: Int) {
        let (x, expected) = Self.matplotlibJet[k]
        let c = Colormap.jet.components(x)
        #expect(abs(c.red - expected.0) < 1e-12 && abs(c.green - expected.1) < 1e-12 && abs(c.blue - expected.2) < 1e-12,
                "jet(\(x)) = \(c), matplotlib \(expected)")
        #expect(Colormap.jet(x) == bytes(expected.0, expected.1, expected.2))
    }

    @Test func jetBytesAtTheEndsAndMiddle() {
        #expect(Colormap.jet(0) == RGBColor(red: 0, green: 0, blue: 128))
        #expect(Colormap.jet(0.5) == RGBColor(red: 125, green: 255, blue: 122))
        #expect(Colormap.jet(1) == RGBColor(red: 128, green: 0, blue: 0))
    }

    @Test func valuesPickLookupEntriesLikeMatplotlib() {
        // floor(x · 256): 0.5 and just under 0.5 + 1/256 share entry 128; just under 0.5 is entry 127.
        #expect(Colormap.jet(0.5 + 1 / 256 - 1e-4) == Colormap.jet(0.5))
        #expect(Colormap.jet(0.5 - 1e-4) != Colormap.jet(0.5))
        #expect(Colormap.jet.count == 256)
    }

    @Test func outOfRangeIsClampedAndNaNIsBlack() {
        #expect(Colormap.jet(-3) == Colormap.jet(0))
        #expect(Colormap.jet(-.infinity) == Colormap.jet(0))
        #expect(Colormap.jet(1.7) == Colormap.jet(1))
        #expect(Colormap.jet(.infinity) == Colormap.jet(1))
        #expect(Colormap.jet(.nan) == .black)
    }
}

@Suite struct PNGTests {
    @Test func rgbRoundTripsThroughAnIndependentDecoder() throws {
        var image = PNGImage(width: 7, height: 5)
        for y in 0..<5 {
            for x in 0..<7 { image[x, y] = RGBColor(red: UInt8(x * 36), green: UInt8(y * 60), blue: UInt8((x * y) % 256)) }
        }
        let decoded = try decode(image)
        #expect(decoded.width == 7 && decoded.height == 5 && decoded.colorType == 2)
        #expect(decoded.samples == image.samples)
        #expect(decoded.pixel(6, 4) == RGBColor(red: 216, green: 240, blue: 24))
    }

    @Test func rgbaKeepsItsAlpha() throws {
        var image = PNGImage(width: 3, height: 2, layout: .rgba, fill: .black, alpha: 40)
        image[2, 1] = .white
        image[alphaAt: 2, 1] = 200
        let decoded = try decode(image)
        #expect(decoded.colorType == 6)
        #expect(decoded.samples == image.samples)
        #expect(Array(decoded.samples[20..<24]) == [255, 255, 255, 200])
        #expect(Array(decoded.samples[0..<4]) == [0, 0, 0, 40])
    }

    @Test func aCorruptedByteFailsItsChunkCRC() {
        var file = PNGImage(width: 4, height: 4, fill: Colormap.jet(0.3)).pngData()
        file[8 + 25 + 8 + 2] ^= 0x01  // inside the IDAT data, after the 33-byte IHDR chunk and the IDAT header
        #expect(throws: DecodedPNG.Failure.crc("IDAT")) { try DecodedPNG(file) }
    }
}

@Suite struct CanvasTests {
    @Test func fillIsClippedAndBlendsAtAlpha() {
        var canvas = Canvas(width: 4, height: 3, background: .white)
        canvas.fill(x: -2, y: 1, width: 4, height: 9, color: .black)
        canvas.fill(x: 3, y: 0, width: 1, height: 1, color: RGBColor(red: 0, green: 0, blue: 255), alpha: 0.25)
        #expect(canvas.image[1, 2] == .black && canvas.image[0, 1] == .black)
        #expect(canvas.image[2, 1] == .white && canvas.image[1, 0] == .white)
        #expect(canvas.image[3, 0] == RGBColor(red: 191, green: 191, blue: 255))  // 255·0.75 = 191.25
    }

    @Test func strokeIsAntiAliasedAcrossRows() {
        var centred = Canvas(width: 20, height: 20)
        centred.stroke([SIMD2(0, 10), SIMD2(20, 10)], width: 2, color: .black)
        #expect(centred.image[5, 9] == .black && centred.image[5, 10] == .black)
        #expect(centred.image[5, 8] == .white && centred.image[5, 11] == .white)

        var offset = Canvas(width: 20, height: 20)
        offset.stroke([SIMD2(0, 10.5), SIMD2(20, 10.5)], width: 2, color: .black)
        let half = RGBColor(red: 128, green: 128, blue: 128)
        #expect(offset.image[5, 10] == .black)
        #expect(offset.image[5, 9] == half && offset.image[5, 11] == half)
    }

    @Test func joinsAreNotPaintedTwice() {
        var canvas = Canvas(width: 20, height: 20)
        canvas.stroke([SIMD2(0, 10.5), SIMD2(10, 10.5), SIMD2(20, 10.5)], width: 2, color: .black)
        #expect(canvas.image[10, 9] == canvas.image[5, 9])
        #expect(canvas.image[10, 9] == RGBColor(red: 128, green: 128, blue: 128))
    }
}

@Suite struct SignalFigureTests {
    static let length = 40

    static func spike(at k: Int) -> Tensor {
        Tensor(shape: [length, 1], scalars: (0..<length).map { $0 == k ? 1 : 0 })
    }

    /// The runs of equal colour along row `y` between columns `from` and `to`: (first column, length, colour).
    fileprivate static func runs(_ png: DecodedPNG, y: Int, from: Int, to: Int) -> [(Int, Int, RGBColor)] {
        var runs: [(Int, Int, RGBColor)] = []
        for x in from..<to {
            let c = png.pixel(x, y)
            if let last = runs.last, last.2 == c { runs[runs.count - 1].1 += 1 } else { runs.append((x, 1, c)) }
        }
        return runs
    }

    /// A row through the middle of the strip: the strip is the band of jet(0)-coloured pixels nearest the bottom.
    fileprivate static func stripRow(_ png: DecodedPNG) -> Int? {
        (0..<png.height).reversed().first { y in (0..<png.width).contains { png.pixel($0, y) == Colormap.jet(0) } }
            .map { $0 - 3 }
    }

    @Test func defaultSizeAndTheStripIsAlignedWithTheSignal() throws {
        let k = 13
        let png = try decode(try Figure.signal(Self.spike(at: k), map: Self.spike(at: k)))
        #expect(png.width == 640 && png.height == 320)
        let y = try #require(Self.stripRow(png))
        let hot = Self.runs(png, y: y, from: 0, to: png.width).filter { $0.2 == Colormap.jet(1) }
        #expect(hot.count == 1 && hot[0].1 == 15, "one block of 600 / 40 pixels")
        // The line's highest pixel (the spike's tip) lies inside the hot block.
        let dark = (0..<y).lazy.compactMap { row in
            (0..<png.width).first { let c = png.pixel($0, row); return Int(c.red) + Int(c.green) + Int(c.blue) < 150 }
        }
        let tipX = try #require(dark.first)
        #expect(hot.first.map { ($0.0..<($0.0 + $0.1)).contains(tipX) } == true, "tip at x = \(tipX), block \(hot)")
    }

    @Test func everyPositionIsABlockOfEqualWidthInItsColour() throws {
        let ramp = (0..<Self.length).map { Float($0) / Float(Self.length - 1) }
        let signal = Tensor(shape: [Self.length], scalars: ramp.map { sin(6 * $0) })
        let png = try decode(try Figure.signal(signal, map: Tensor(shape: [1, Self.length, 1], scalars: ramp)))
        let y = try #require(Self.stripRow(png))
        let blocks = Self.runs(png, y: y, from: 0, to: png.width).filter { $0.2 != .white }
        // The frame takes the outer pixel of the first and last block.
        #expect(blocks.count == Self.length + 2)
        #expect(blocks.dropFirst(2).dropLast(2).allSatisfy { $0.1 == 15 })
        for (j, value) in ramp.enumerated().dropFirst().dropLast() {
            #expect(blocks[j + 1].2 == Colormap.jet(value), "block \(j)")
        }
    }

    @Test func allZeroMapAndFlatSignalRender() throws {
        let zeros = Tensor(zeros: [Self.length])
        let png = try decode(try Figure.signal(Tensor(shape: [Self.length], scalars: .init(repeating: 2, count: 40)),
                                               map: zeros, width: 300, height: 150))
        #expect(png.width == 300 && png.height == 150)
        let y = try #require(Self.stripRow(png))
        let strip = Self.runs(png, y: y, from: 0, to: png.width).filter { $0.2 != .white }
        #expect(strip.map(\.2).contains(Colormap.jet(0)) && !strip.map(\.2).contains(Colormap.jet(1)))
        // A flat signal runs across the middle of the plot, about halfway down to the strip.
        let column = png.width / 2
        let rows = (0..<(y - 20)).filter { let c = png.pixel(column, $0); return Int(c.red) + Int(c.green) + Int(c.blue) < 150 }
        #expect(!rows.isEmpty && rows.allSatisfy { abs($0 - y / 2) <= 6 }, "line rows \(rows), strip at \(y)")
    }

    @Test func mapBehindTheSignalTintsThePlot() throws {
        let k = 30
        let plain = try decode(try Figure.signal(Self.spike(at: 5), map: Self.spike(at: k)))
        let shaded = try decode(try Figure.signal(Self.spike(at: 5), map: Self.spike(at: k), mapBehindSignal: true))
        let hotX = 20 + 15 * k + 7, coldX = 20 + 15 * 20 + 7, row = 60
        #expect(plain.pixel(hotX, row) == plain.pixel(coldX, row))
        let hot = shaded.pixel(hotX, row), cold = shaded.pixel(coldX, row)
        #expect(hot.red > hot.blue && cold.blue > cold.red, "hot \(hot), cold \(cold)")
    }

    @Test func longSignalsWidenTheFigure() throws {
        let png = try Figure.signal(Tensor(zeros: [1000]), map: Tensor(zeros: [1000]))
        #expect(png.width == 1040 && png.height == 320)
    }

    @Test func badInputsAreRefusedWithAReason() {
        #expect(throws: FigureError.self) { try Figure.signal(Tensor(zeros: [40, 2]), map: Tensor(zeros: [40])) }
        var nan = Tensor(zeros: [40])
        nan.scalars[3] = .nan
        #expect { try Figure.signal(nan, map: Tensor(zeros: [40])) } throws: { ($0 as? FigureError)?.kind == .nonFinite }
    }
}

@Suite struct HeatmapFigureTests {
    @Test func overlayBlendsTheImageWithJetAtHalfOpacity() throws {
        // A 4×4 grey image of 0.2 (51/255) with a map that is 0.5 in its top-left cell, 1 elsewhere.
        var map = [Float](repeating: 1, count: 16)
        map[0] = 0.5
        let png = try decode(try Figure.overlay(image: Tensor(shape: [4, 4, 1], scalars: .init(repeating: 0.2, count: 16)),
                                                map: Tensor(shape: [4, 4], scalars: map), minimumSide: 8))
        #expect(png.width == 8 && png.height == 8)
        // (51 + 125)/2, (51 + 255)/2, (51 + 122)/2 rounded; the top-left cell is 2×2 pixels.
        #expect(png.pixel(1, 1) == RGBColor(red: 88, green: 153, blue: 87))
        #expect(png.pixel(2, 1) == RGBColor(red: 90, green: 26, blue: 26))  // over jet(1) = (128, 0, 0)
    }

    @Test func rgbImagesOutsideTheUnitRangeAreRescaled() throws {
        let image = Tensor(shape: [1, 1, 2, 3], scalars: [0, 255, 51, 255, 0, 102])
        let png = try decode(try Figure.overlay(image: image, map: Tensor(zeros: [1, 2]), alpha: 0, minimumSide: 2))
        #expect(png.width == 2 && png.height == 1)
        #expect(png.pixel(0, 0) == RGBColor(red: 0, green: 255, blue: 51))
        #expect(png.pixel(1, 0) == RGBColor(red: 255, green: 0, blue: 102))
    }

    @Test func smallInputsAreEnlargedByAWholeFactor() throws {
        let image = Tensor(zeros: [1, 28, 28, 1])
        #expect(try Figure.overlay(image: image, map: Tensor(zeros: [28, 28])).width == 224)
        let wide = try Figure.heatmap(Tensor(zeros: [10, 20]))
        #expect(wide.width == 240 && wide.height == 120)
        #expect(try Figure.heatmap(Tensor(zeros: [300, 200])).width == 200)
    }

    @Test func allZeroHeatmapIsDarkBlueEverywhere() throws {
        let png = try decode(try Figure.heatmap(Tensor(zeros: [28, 28, 1])))
        #expect(png.width == 224 && png.height == 224)
        #expect((0..<png.height).allSatisfy { y in (0..<png.width).allSatisfy { png.pixel($0, y) == Colormap.jet(0) } })
    }

    @Test func heatmapCellsAreNearestNeighbourBlocks() throws {
        let png = try decode(try Figure.heatmap(Tensor(shape: [2, 2], scalars: [0, 0.5, 1, .nan]), minimumSide: 4))
        #expect(png.pixel(0, 0) == Colormap.jet(0) && png.pixel(1, 1) == Colormap.jet(0))
        #expect(png.pixel(2, 0) == Colormap.jet(0.5) && png.pixel(3, 1) == Colormap.jet(0.5))
        #expect(png.pixel(0, 2) == Colormap.jet(1) && png.pixel(3, 3) == .black)
    }

    @Test func aCoarseMapIsStretchedOverTheImage() throws {
        let png = try decode(try Figure.overlay(image: Tensor(zeros: [8, 8]), map: Tensor(shape: [2, 1], scalars: [0, 1]),
                                                alpha: 1, minimumSide: 8))
        #expect(png.pixel(7, 3) == Colormap.jet(0) && png.pixel(0, 4) == Colormap.jet(1))
    }

    @Test func badShapesAreRefused() {
        #expect(throws: FigureError.self) { try Figure.overlay(image: Tensor(zeros: [4, 4, 2]), map: Tensor(zeros: [4, 4])) }
        #expect(throws: FigureError.self) { try Figure.heatmap(Tensor(zeros: [16])) }
        #expect(throws: FigureError.self) { try Figure.heatmap(Tensor(zeros: [0, 3])) }
    }
}
