import Dispatch
import Foundation

/// Quickshift superpixels as `skimage.segmentation.quickshift` (0.26) computes them — LIME's default segmentation
/// (`kernel_size=4, max_dist=200, ratio=0.2`), so our LIME perturbs the same regions as the Python one.
///
/// skimage's steps, all followed here in Double — skimage's precision for float64 images (a float32 image runs its
/// whole pipeline in float32; the difference is far below its tie-breaking noise):
/// 1. features: `rgb2lab` when `convert2lab` (otherwise the values as given), times `ratio`; `sigma=0` smoothing is
///    the identity;
/// 2. density at each pixel: `Σ exp(−d²/(2·kernel_size²))` over the window of ±`ceil(3·kernel_size)` rows and
///    columns clipped to the image, `d²` = squared feature distance + squared row and column offsets, summed in
///    skimage's order;
/// 3. parent: the nearest (smallest `d²`, first in scan order on ties) pixel of the window with a higher density;
///    pixels with none, or whose parent is farther than `max_dist` (`d`, not `d²`), are roots;
/// 4. every pixel takes its root's label, roots numbered by pixel index (`np.unique(return_inverse=True)`).
///
/// The one deliberate difference: skimage adds Gaussian noise (scale 1e-5, NumPy's PCG64 seeded with 42) to the
/// densities to break ties. NumPy's generator is not reproduced; instead ties are broken without noise: of two
/// pixels with exactly equal density, the one with the smaller row-major index counts as denser. That keeps the
/// parent relation a strict order, as the noise does: no cycles, and a plateau of equal densities links towards its
/// first pixel instead of leaving every pixel a root. The segments can differ from skimage's only where densities
/// lie within a few 1e-5 of each other; on the test crops the labels agree on every pixel.
public enum Quickshift {
    /// Labels 0..<n per pixel, row-major (height*width).
    ///
    /// `image` is `height × width × channels`, row-major with channels last, in [0, 1] like skimage's float images.
    /// `convertToLab` needs 3 channels (RGB), and `kernelSize` must be at least 1 — skimage refuses both otherwise;
    /// here they are the caller's contract and stop the program.
    public static func segment(image: [Float], height: Int, width: Int, channels: Int,
                               kernelSize: Double = 4, maxDist: Double = 200, ratio: Double = 0.2, convertToLab: Bool = true) -> [Int32] {
        precondition(height > 0 && width > 0 && channels > 0 && image.count == height * width * channels,
                     "quickshift got \(image.count) values for \(height)×\(width)×\(channels)")
        precondition(!convertToLab || channels == 3, "quickshift's Lab conversion needs 3 channels, got \(channels)")
        precondition(kernelSize >= 1, "quickshift's kernel size must be at least 1, got \(kernelSize)")
        let grid = Grid(height: height, width: width, channels: channels, window: Int((3 * kernelSize).rounded(.up)))
        let features = scaledFeatures(image, grid: grid, ratio: ratio, convertToLab: convertToLab)
        let densities = densities(features, grid: grid, kernelSize: kernelSize)
        let parents = parents(features, densities, grid: grid, maxDist: maxDist)
        return labels(roots(parents))
    }

    /// Image geometry and the half-width of the search window.
    private struct Grid {
        var height, width, channels, window: Int

        func rows(around r: Int) -> Range<Int> { max(r - window, 0)..<min(r + window + 1, height) }
        func columns(around c: Int) -> Range<Int> { max(c - window, 0)..<min(c + window + 1, width) }
    }

    /// The joint colour–position distance² of pixels `p` and `q` (flat indices), in skimage's summation order.
    /// Three channels (the RGB/Lab case) are spelled out so the compiler can keep them in registers.
    @inline(__always)
    private static func distance(_ f: UnsafeBufferPointer<Double>, _ p: Int, _ q: Int, rowOffset: Int, columnOffset: Int, channels: Int) -> Double {
        var d = 0.0
        if channels == 3 {
            let (t0, t1, t2) = (f[3 * p] - f[3 * q], f[3 * p + 1] - f[3 * q + 1], f[3 * p + 2] - f[3 * q + 2])
            d += t0 * t0
            d += t1 * t1
            d += t2 * t2
        } else {
            for k in 0..<channels {
                let t = f[p * channels + k] - f[q * channels + k]
                d += t * t
            }
        }
        let dr = Double(rowOffset), dc = Double(columnOffset)
        d += dr * dr
        d += dc * dc
        return d
    }

    private static func scaledFeatures(_ image: [Float], grid: Grid, ratio: Double, convertToLab: Bool) -> [Double] {
        guard convertToLab else { return image.map { Double($0) * ratio } }
        var features = [Double](repeating: 0, count: image.count)
        for p in 0..<(grid.height * grid.width) {
            let lab = CIELab.lab(Double(image[3 * p]), Double(image[3 * p + 1]), Double(image[3 * p + 2]))
            features[3 * p] = lab.l * ratio
            features[3 * p + 1] = lab.a * ratio
            features[3 * p + 2] = lab.b * ratio
        }
        return features
    }

    /// The Parzen density of every pixel; rows are independent, so they are spread over the cores.
    private static func densities(_ features: [Double], grid: Grid, kernelSize: Double) -> [Double] {
        let scale = -0.5 / (kernelSize * kernelSize)
        var densities = [Double](repeating: 0, count: grid.height * grid.width)
        features.withUnsafeBufferPointer { f in
            densities.withUnsafeMutableBufferPointer { out in
                let buffers = RowBuffers((f, out))
                forEachRow(grid.height) { r in
                    let (f, out) = buffers.value
                    for c in 0..<grid.width {
                        let p = r * grid.width + c
                        var total = 0.0
                        for r2 in grid.rows(around: r) {
                            for c2 in grid.columns(around: c) {
                                let d = distance(f, p, r2 * grid.width + c2, rowOffset: r - r2, columnOffset: c - c2, channels: grid.channels)
                                total += exp(d * scale)
                            }
                        }
                        out[p] = total
                    }
                }
            }
        }
        return densities
    }

    /// Each pixel's parent (itself for a root): the nearest denser pixel of its window within `maxDist`.
    private static func parents(_ features: [Double], _ densities: [Double], grid: Grid, maxDist: Double) -> [Int] {
        var parents = [Int](repeating: 0, count: grid.height * grid.width)
        features.withUnsafeBufferPointer { f in
            densities.withUnsafeBufferPointer { density in
                parents.withUnsafeMutableBufferPointer { out in
                    let buffers = RowBuffers((f, density, out))
                    forEachRow(grid.height) { r in
                        let (f, density, out) = buffers.value
                        for c in 0..<grid.width {
                            let p = r * grid.width + c
                            let own = density[p]
                            var closest = Double.greatestFiniteMagnitude
                            var parent = p
                            for r2 in grid.rows(around: r) {
                                for c2 in grid.columns(around: c) {
                                    let q = r2 * grid.width + c2
                                    // Strictly denser; exact ties go to the smaller index (skimage breaks them with noise).
                                    guard density[q] > own || (density[q] == own && q < p) else { continue }
                                    let d = distance(f, p, q, rowOffset: r - r2, columnOffset: c - c2, channels: grid.channels)
                                    if d < closest {
                                        closest = d
                                        parent = q
                                    }
                                }
                            }
                            out[p] = closest.squareRoot() > maxDist ? p : parent
                        }
                    }
                }
            }
        }
        return parents
    }

    /// Every pixel's root, by following parents (which always lead to a denser pixel, so there are no cycles) and
    /// compressing each path once walked.
    private static func roots(_ parents: [Int]) -> [Int] {
        var roots = parents
        for p in roots.indices {
            var root = p
            while roots[root] != root { root = roots[root] }
            var q = p
            while roots[q] != root {
                let next = roots[q]
                roots[q] = root
                q = next
            }
        }
        return roots
    }

    /// Roots numbered in index order, as `np.unique(roots, return_inverse=True)` numbers them.
    private static func labels(_ roots: [Int]) -> [Int32] {
        var label = [Int32](repeating: -1, count: roots.count)
        var next: Int32 = 0
        for p in roots.indices where roots[p] == p {
            label[p] = next
            next += 1
        }
        return roots.map { label[$0] }
    }

    /// `body(row)` for every row, in contiguous bands over the cores (a few bands per core to even out the load).
    private static func forEachRow(_ rows: Int, _ body: @Sendable (Int) -> Void) {
        let bands = min(rows, 4 * ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: bands) { band in
            for r in (band * rows / bands)..<((band + 1) * rows / bands) { body(r) }
        }
    }

    /// Buffer pointers handed to the row workers. Sound because each row writes only its own pixels' slots and
    /// reads only buffers nobody writes during the pass, and the pointers outlive the pass (`concurrentPerform`
    /// returns before the enclosing `withUnsafe…Pointer` does).
    private struct RowBuffers<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}
