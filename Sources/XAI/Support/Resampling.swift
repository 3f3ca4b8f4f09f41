/// How a map at a layer's resolution is brought to the input's.
///
/// `spline` is what the Python explainers this project reproduces use by default (`scipy.ndimage.zoom`, cubic);
/// `linear` and `nearest` are PyTorch's `interpolate` modes, for comparing with pytorch-grad-cam style pipelines;
/// `none` keeps the map at the layer's resolution.
public enum Upsampling: String, Sendable, CaseIterable {
    case spline, linear, nearest, none
}

/// Resizing of single-channel maps, each method reproducing a Python reference numerically (see the cases).
public enum Resampling {
    /// Resizes a single-channel map, row-major, of `shape` (rank 1 or 2) to `size` (same rank).
    ///
    /// - `spline`: `scipy.ndimage.zoom(map, size / shape, order=3)` with scipy's defaults (cubic B-spline, mirror
    ///   prefilter, samples outside the input's extent are 0), computed in Double like scipy and rounded to Float once.
    /// - `linear`: PyTorch `interpolate(mode='linear'/'bilinear', align_corners=False)`, half-pixel centres,
    ///   edges clamped, in Float like PyTorch's CPU kernel.
    /// - `nearest`: PyTorch `interpolate(mode='nearest')`: `src = min(floor(dst · in/out), in − 1)`, in Float.
    /// - `none`: returns `values` unchanged, whatever `size` says — the caller then gets a map of `shape`, which is
    ///   the point of `none` (explain at the layer's resolution).
    ///
    /// Shapes are the caller's contract, not user input: a rank other than 1 or 2, mismatched ranks, a count that
    /// is not `shape`'s product or an empty axis stop the program.
    public static func resize(_ values: [Float], shape: [Int], to size: [Int], method: Upsampling) -> [Float] {
        switch method {
        case .none:
            return values
        case .spline:
            checkShapes(values.count, shape, size)
            return SplineZoom.zoom(values, shape: shape, to: size)
        case .linear:
            checkShapes(values.count, shape, size)
            return LinearResize.resize(values, shape: shape, to: size)
        case .nearest:
            checkShapes(values.count, shape, size)
            return NearestResize.resize(values, shape: shape, to: size)
        }
    }

    private static func checkShapes(_ count: Int, _ shape: [Int], _ size: [Int]) {
        precondition((1...2).contains(shape.count) && size.count == shape.count,
                     "resize needs rank-1 or rank-2 shapes of equal rank, got \(shape) → \(size)")
        precondition(shape.allSatisfy { $0 > 0 } && size.allSatisfy { $0 > 0 }, "resize needs non-empty axes, got \(shape) → \(size)")
        precondition(count == shape.reduce(1, *), "resize got \(count) values for shape \(shape)")
    }
}
