/// Range checks on an op's own numbers, run before its output shape is computed. Files from anywhere (a Keras
/// configuration, a native graph) set these numbers, and shape inference multiplies and adds them: checked here,
/// that arithmetic cannot overflow and the runtime never meets a negative padding or a zero stride.
extension Op {
    package func checkAttributes() throws(GraphError) {
        let positive = 1...ShapeLimits.maxAttribute
        switch self {
        case .convolution(let window, _), .pool(_, let window):
            try window.checkAttributes()
        case .groupedConvolution(let window, let groups, _):
            try window.checkAttributes()
            try require([groups], in: positive, "groups")
        case .transposedConvolution(let window, let outputPadding, _):
            try window.checkAttributes()
            guard outputPadding.count == window.rank else {
                throw GraphError(.invalidConfig, "window \(window.size) has \(outputPadding.count) output paddings")
            }
            // At most the stride: Keras's own limit is below it, and `same` with an even window and no
            // output_padding given resolves to exactly the stride.
            for (padding, stride) in zip(outputPadding, window.strides) where padding < 0 || padding > stride {
                throw GraphError(.invalidConfig, "output padding \(outputPadding) is outside 0…stride for strides \(window.strides)")
            }
        case .depthwiseConvolution(let window, let multiplier, _), .separableConvolution(let window, let multiplier, _):
            try window.checkAttributes()
            try require([multiplier], in: positive, "depth multiplier")
        case .reshape(let shape):
            try require(shape, in: positive, "target shape")
        case .zeroPadding(let pads):
            try require(pads.flatMap { $0 }, in: 0...ShapeLimits.maxAttribute, "padding")
        case .cropping(let crops):
            try require(crops.flatMap { $0 }, in: 0...ShapeLimits.maxAttribute, "cropping")
        case .upsampling(let size):
            try require(size, in: positive, "upsampling size")
        case .reduce(_, let axes, _):
            guard !axes.isEmpty, zip(axes, axes.dropFirst()).allSatisfy({ $0 < $1 }), axes[0] >= 1 else {
                throw GraphError(.invalidConfig, "reduction axes \(axes) are not distinct, sorted feature axes")
            }
        case .resize(let size, _):
            guard size.count == 2 else { throw GraphError(.invalidConfig, "resize size \(size) is not (height, width)") }
            try require(size, in: positive, "resize size")
        case .groupNormalization(let groups, let epsilon):
            try require([groups], in: positive, "groups")
            guard epsilon.isFinite, epsilon >= 0 else {
                throw GraphError(.invalidConfig, "group normalization epsilon \(epsilon) is not a finite value ≥ 0")
            }
        case .unitNormalization(let axes, let epsilon):
            guard !axes.isEmpty, zip(axes, axes.dropFirst()).allSatisfy({ $0 < $1 }), axes[0] >= 1 else {
                throw GraphError(.invalidConfig, "unit normalization axes \(axes) are not distinct, sorted feature axes")
            }
            guard epsilon.isFinite, epsilon > 0 else {
                throw GraphError(.invalidConfig, "unit normalization epsilon \(epsilon) is not a finite value > 0")
            }
        case .normalization(let axes, _, _):
            guard zip(axes, axes.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw GraphError(.invalidConfig, "normalization axes \(axes) are not distinct and sorted")
            }
        case .layerNormalization(let axes, let epsilon, _):
            guard !axes.isEmpty, zip(axes, axes.dropFirst()).allSatisfy({ $0 < $1 }), axes[0] >= 1 else {
                throw GraphError(.invalidConfig, "layer normalization axes \(axes) are not distinct, sorted feature axes")
            }
            guard epsilon.isFinite, epsilon >= 0 else {
                throw GraphError(.invalidConfig, "layer normalization epsilon \(epsilon) is not a finite value ≥ 0")
            }
        case .slice(let begin, let end, let strides, let shape):
            guard begin.count == end.count, strides.count == end.count, !begin.isEmpty else {
                throw GraphError(.invalidConfig, "slice has \(begin.count) begins, \(end.count) ends and \(strides.count) strides")
            }
            try require(begin + end, in: 0...ShapeLimits.maxAttribute, "slice bounds")
            try require(strides, in: positive, "slice strides")
            try require(shape, in: positive, "slice shape")
        case .recurrent(let recurrence):
            try recurrence.checkAttributes()
        case .sequenceMask(let value):
            guard value.isFinite else { throw GraphError(.invalidConfig, "mask value \(value) is not finite") }
        case .attention(let attention):
            try attention.checkAttributes()
        case .embedding, .input, .dense, .globalPool, .flatten, .permute, .identity, .batchNormalization, .activation, .prelu,
             .merge, .linearCombination, .concatenate, .rescaling:
            // Nothing to range-check before shape inference, which checks these ops' axes and orders against
            // their inputs.
            break
        }
    }

    /// Refuses a softmax whose axis is not a per-sample axis of the op's batched output (`rank` per-sample axes):
    /// 1…rank, or −rank…−1 counted from the end. The batch axis is never normalised over.
    func checkActivationAxis(rank: Int) throws(GraphError) {
        var carried = fusedActivation
        if case .activation(let activation) = self { carried = activation }
        guard let activation = carried else { return }
        if let axis = activation.axis, axis == 0 || axis < -rank || axis > rank {
            throw GraphError(.invalidConfig, "\(activation.kind.rawValue) axis \(axis) is not a feature axis of a rank-\(rank + 1) output")
        }
    }
}

extension Window {
    /// Sizes, strides and dilations in 1…`ShapeLimits.maxAttribute`, one of each per spatial axis.
    func checkAttributes() throws(GraphError) {
        guard strides.count == rank, dilations.count == rank else {
            throw GraphError(.invalidConfig, "window \(size) has \(strides.count) strides and \(dilations.count) dilations")
        }
        let positive = 1...ShapeLimits.maxAttribute
        try require(size, in: positive, "window size")
        try require(strides, in: positive, "strides")
        try require(dilations, in: positive, "dilations")
    }
}

private func require(_ values: [Int], in range: ClosedRange<Int>, _ what: String) throws(GraphError) {
    guard values.allSatisfy(range.contains) else {
        throw GraphError(.invalidConfig, "\(what) \(values) is outside \(range.lowerBound)…\(range.upperBound)")
    }
}
