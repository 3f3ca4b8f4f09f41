/// An opaque 8-bit sRGB colour: what a PNG pixel holds and what the figure code paints with.
public struct RGBColor: Sendable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour of components in [0, 1] (clamped), each rounded to the nearest of the 256 levels, so that a value
    /// computed as exactly `k/255` gives `k` whatever its last bit. (matplotlib's `bytes=True` truncates instead,
    /// which can put such a value one level lower; the difference is at most 1.)
    public init(unitRed red: Double, green: Double, blue: Double) {
        self.init(red: Self.level(red), green: Self.level(green), blue: Self.level(blue))
    }

    /// This colour with `other` laid over it at opacity `alpha` (clamped to [0, 1]): `(1 − α)·self + α·other` on the
    /// sRGB values, rounded; plain "over" compositing, which is what `imshow(map, alpha=α)` over an opaque image shows.
    public func overlaid(with other: RGBColor, alpha: Double) -> RGBColor {
        let a = min(max(alpha, 0), 1)
        func mix(_ below: UInt8, _ above: UInt8) -> UInt8 {
            UInt8((Double(below) * (1 - a) + Double(above) * a).rounded())
        }
        return RGBColor(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }

    private static func level(_ unit: Double) -> UInt8 {
        unit.isNaN ? 0 : UInt8((min(max(unit, 0), 1) * 255).rounded())
    }

    public static let black = RGBColor(red: 0, green: 0, blue: 0)
    public static let white = RGBColor(red: 255, green: 255, blue: 255)
}
