import KerasLensGraph

/// The explanation figures: pictures of an input with the map an explainer gave it, drawn into a `PNGImage` that the
/// caller encodes (`pngData()`) and writes or embeds. Inputs are the tensors the model and the explainers use, one
/// sample each (a leading batch axis of 1 is accepted); maps are read through `Colormap.jet`, so values are meant to
/// lie in [0, 1] — outside they are clamped and NaN shows black, never a crash.
public enum Figure {}

extension Figure {
    /// The values of a one-channel sequence: a tensor of any shape with at most one axis longer than 1.
    static func sequence(_ tensor: Tensor, _ role: String) throws(FigureError) -> [Float] {
        guard tensor.count > 0, tensor.shape.filter({ $0 > 1 }).count <= 1 else {
            throw FigureError(.shape, "the \(role) must be one non-empty channel of values, got shape \(tensor.shape)")
        }
        return tensor.scalars
    }

    /// Height, width and channels of an image shaped (H, W), (H, W, C) or either behind batch axes of 1, C = 1 or 3.
    static func imageShape(_ tensor: Tensor) throws(FigureError) -> (height: Int, width: Int, channels: Int) {
        var shape = tensor.shape[...]
        while shape.count > 3, shape.first == 1 { shape = shape.dropFirst() }
        let dims = Array(shape)
        switch dims.count {
        case 2 where tensor.count > 0: return (dims[0], dims[1], 1)
        case 3 where tensor.count > 0 && (dims[2] == 1 || dims[2] == 3): return (dims[0], dims[1], dims[2])
        default:
            throw FigureError(.shape, "the image must be shaped (H, W) or (H, W, C) with C = 1 or 3, got \(tensor.shape)")
        }
    }

    /// Rows and columns of a 2-D map shaped (H, W), with any batch axes of 1 before or channel axes of 1 after.
    static func mapShape(_ tensor: Tensor) throws(FigureError) -> (height: Int, width: Int) {
        var shape = tensor.shape[...]
        while shape.count > 2, shape.first == 1 { shape = shape.dropFirst() }
        while shape.count > 2, shape.last == 1 { shape = shape.dropLast() }
        guard shape.count == 2, tensor.count > 0 else {
            throw FigureError(.shape, "the map must be shaped (H, W), got \(tensor.shape)")
        }
        return (shape[shape.startIndex], shape[shape.startIndex + 1])
    }

    static func requireFinite(_ values: [Float], _ role: String) throws(FigureError) {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw FigureError(.nonFinite, "the \(role) has a non-finite value (\(values[i])) at flat index \(i)")
        }
    }
}
