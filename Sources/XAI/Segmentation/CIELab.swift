import Foundation

/// `skimage.color.rgb2lab` (illuminant D65, 2° observer) for one pixel, in Double: quickshift measures colour
/// distances in Lab because equal steps there look about equally different, and LIME's segments come from skimage's
/// quickshift on Lab — so the conversion follows skimage's constants and branches exactly. Scalar code, no arrays:
/// it runs once per pixel.
enum CIELab {
    /// `rgb` in [0, 1] (sRGB, gamma-encoded) to (L, a, b).
    static func lab(_ red: Double, _ green: Double, _ blue: Double) -> (l: Double, a: Double, b: Double) {
        let (r, g, b) = (linearised(red), linearised(green), linearised(blue))
        // skimage's `xyz_from_rgb` rows, each divided by the D65 2° white point (0.95047, 1, 1.08883).
        let x = (r * 0.412453 + g * 0.357580 + b * 0.180423) / 0.95047
        let y = (r * 0.212671 + g * 0.715160 + b * 0.072169) / 1.0
        let z = (r * 0.019334 + g * 0.119193 + b * 0.950227) / 1.08883
        let (fx, fy, fz) = (compressed(x), compressed(y), compressed(z))
        return (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz))
    }

    /// The sRGB transfer function undone (skimage's `rgb2xyz`).
    private static func linearised(_ v: Double) -> Double {
        v > 0.04045 ? pow((v + 0.055) / 1.055, 2.4) : v / 12.92
    }

    /// Lab's cube root with its linear toe (skimage's `xyz2lab`).
    private static func compressed(_ t: Double) -> Double {
        t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116.0
    }
}
