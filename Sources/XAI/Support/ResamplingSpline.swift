import Foundation

/// `scipy.ndimage.zoom(input, zoom, order=3)` with scipy's defaults (`mode='constant'`, `cval=0`, `prefilter=True`,
/// `grid_mode=False`), step for step as scipy 1.17 does it, so CAM maps match the Python explainers to rounding:
///
/// 1. `spline_filter(input, 3, output=float64, mode='constant')` — `_prepad_for_spline_filter` pads nothing for
///    `'constant'`, and `ni_splines.c`'s `apply_filter` gives `NI_EXTEND_CONSTANT` the *mirror* boundary
///    initialisers; axes are filtered in order (0, then 1), each line skipped when it has a single sample.
/// 2. `NI_ZoomShift`: output index `k` samples input coordinate `k · (in − 1)/(out − 1)` (zoom 1 for a one-sample
///    output). `map_coordinate` in constant mode sends coordinates outside `[0, in − 1]` to cval = 0 — rounding can
///    push the last coordinate a hair past `in − 1`, and then scipy writes 0 there, so this does too. Inside, the
///    four B-spline taps start at `floor(x) − 1`; taps past an edge are mirrored (`_get_spline_boundary_mode` maps
///    constant to mirror), and the value is `Σ coefficient · w₀ · w₁` accumulated in scipy's order, in Double.
/// 3. The Double is rounded to Float once, as scipy stores into a float32 output.
///
/// When every axis keeps its length scipy returns the input untouched (its gh-20999 early exit); so does this.
enum SplineZoom {
    /// The cubic B-spline's pole, `sqrt(3) − 2`, as scipy writes it.
    private static let pole = -0.267949192431122706472553658494127633

    static func zoom(_ values: [Float], shape: [Int], to size: [Int]) -> [Float] {
        if shape == size { return values }
        var coefficients = values.map(Double.init)
        if shape.count == 1 {
            filterLines(&coefficients, length: shape[0], count: 1, stride: 1, lineStep: 0)
            let taps = Taps(input: shape[0], output: size[0])
            return (0..<size[0]).map { k in
                guard taps.inside[k] else { return 0 }
                var t = 0.0
                for a in 0..<4 { t += coefficients[taps.index[4 * k + a]] * taps.weight[4 * k + a] }
                return Float(t)
            }
        }
        let (height, width) = (shape[0], shape[1])
        filterLines(&coefficients, length: height, count: width, stride: width, lineStep: 1)
        filterLines(&coefficients, length: width, count: height, stride: 1, lineStep: width)
        let rows = Taps(input: height, output: size[0])
        let columns = Taps(input: width, output: size[1])
        let outWidth = size[1]
        // scipy's sum per output value, `Σ_a Σ_b (c[row_a][col_b] · rowWeight_a) · columnWeight_b` in that order, run
        // for a whole output row at once: each input row's coefficients are first gathered per column tap into
        // contiguous lines (`taps[r][b][j]`), so the sixteen terms are plain vector products over the row's columns
        // and the chains of dependent additions run side by side. Same values, same order, same bits.
        var taps = [Double](repeating: 0, count: height * 4 * outWidth)
        var columnWeights = [Double](repeating: 0, count: 4 * outWidth)
        for j in 0..<outWidth {
            for b in 0..<4 {
                columnWeights[b * outWidth + j] = columns.weight[4 * j + b]
                for r in 0..<height { taps[(r * 4 + b) * outWidth + j] = coefficients[r * width + columns.index[4 * j + b]] }
            }
        }
        var output = [Float](repeating: 0, count: size[0] * outWidth)
        var sums = [Double](repeating: 0, count: outWidth)
        taps.withUnsafeBufferPointer { taps in
            columnWeights.withUnsafeBufferPointer { columnWeights in
                sums.withUnsafeMutableBufferPointer { sums in
                    for i in 0..<size[0] where rows.inside[i] {
                        for j in 0..<outWidth { sums[j] = 0 }
                        for a in 0..<4 {
                            let row = rows.index[4 * i + a], rowWeight = rows.weight[4 * i + a]
                            for b in 0..<4 {
                                let line = taps.baseAddress! + (row * 4 + b) * outWidth
                                let weight = columnWeights.baseAddress! + b * outWidth
                                for j in 0..<outWidth { sums[j] += line[j] * rowWeight * weight[j] }
                            }
                        }
                        for j in 0..<outWidth where columns.inside[j] { output[i * outWidth + j] = Float(sums[j]) }
                    }
                }
            }
        }
        return output
    }

    /// `NI_SplineFilter1D` over `count` lines of `length` samples (`stride` apart; line `n` starts at `n · lineStep`).
    private static func filterLines(_ data: inout [Double], length: Int, count: Int, stride: Int, lineStep: Int) {
        guard length > 1 else { return }
        var line = [Double](repeating: 0, count: length)
        for n in 0..<count {
            let start = n * lineStep
            for i in 0..<length { line[i] = data[start + i * stride] }
            applyFilter(&line)
            for i in 0..<length { data[start + i * stride] = line[i] }
        }
    }

    /// `ni_splines.c` `apply_filter` for order 3 with the mirror initialisers (`_init_causal_mirror`,
    /// `_init_anticausal_mirror`): gain, causal pass, anticausal pass.
    private static func applyFilter(_ c: inout [Double]) {
        let n = c.count, z = pole
        let gain = (1.0 - z) * (1.0 - 1.0 / z)
        for i in 0..<n { c[i] *= gain }

        let zN1 = pow(z, Double(n - 1))
        var zI = z
        c[0] = c[0] + zN1 * c[n - 1]
        for i in stride(from: 1, to: n - 1, by: 1) {
            c[0] += zI * (c[i] + zN1 * c[n - 1 - i])
            zI *= z
        }
        c[0] /= 1 - zN1 * zN1
        for i in 1..<n { c[i] += z * c[i - 1] }

        c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1)
        for i in stride(from: n - 2, through: 0, by: -1) { c[i] = z * (c[i + 1] - c[i]) }
    }

    /// Per output index along one axis: whether the sample is inside the input, its four input indices (edges
    /// mirrored) and its four B-spline weights, as `NI_ZoomShift` precomputes them.
    private struct Taps {
        var inside: [Bool]
        var index: [Int]
        var weight: [Double]

        init(input: Int, output: Int) {
            inside = Array(repeating: false, count: output)
            index = Array(repeating: 0, count: 4 * output)
            weight = Array(repeating: 0, count: 4 * output)
            let zoom = output > 1 ? Double(input - 1) / Double(output - 1) : 1
            for k in 0..<output {
                let x = Double(k) * zoom
                guard x >= 0, x <= Double(input - 1) else { continue }
                inside[k] = true
                let start = Int(x.rounded(.down)) - 1
                let mirrored = start < 0 || start + 3 >= input
                for a in 0..<4 { index[4 * k + a] = mirrored ? Self.mirror(start + a, input) : start + a }
                // `get_spline_interpolation_weights(x, 3)`; the last weight is one minus the others, as in scipy.
                let y = x - x.rounded(.down), z = 1.0 - y
                weight[4 * k] = z * z * z / 6.0
                weight[4 * k + 1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0
                weight[4 * k + 2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0
                weight[4 * k + 3] = 1.0 - weight[4 * k] - weight[4 * k + 1] - weight[4 * k + 2]
            }
        }

        /// `map_coordinate` in mirror mode for an integer index: reflect about the first and last samples.
        private static func mirror(_ index: Int, _ length: Int) -> Int {
            guard length > 1 else { return 0 }
            let period = 2 * length - 2
            if index < 0 {
                let shifted = period * (-index / period) + index
                return shifted <= 1 - length ? shifted + period : -shifted
            }
            if index > length - 1 {
                let folded = index - period * (index / period)
                return folded >= length ? period - folded : folded
            }
            return index
        }
    }
}
