/// Output shapes of each op, per sample (no batch axis). Also the place where weights are checked against the
/// tensors they meet, so that a bad file fails at load time with a clear message rather than inside a kernel.
extension Op {
    /// The most positions a pooling window may cover (2^24): max pooling's backward pass numbers a window's taps in
    /// Float32, exact up to there, and no model pools over more.
    public static let maxPoolTaps = 1 << 24

    /// The output shape, after the op's own numbers are range-checked (so the arithmetic below cannot overflow),
    /// and refused when it is empty or beyond `ShapeLimits.maxElementsPerSample`.
    public func outputShape(inputs: [[Int]], weights: [String: Tensor]) throws(GraphError) -> [Int] {
        try checkAttributes()
        let shape = try inferredShape(inputs: inputs, weights: weights)
        try ShapeLimits.check(shape)
        try checkActivationAxis(rank: shape.count)
        return shape
    }

    private func inferredShape(inputs: [[Int]], weights: [String: Tensor]) throws(GraphError) -> [Int] {
        func fail(_ detail: String) -> GraphError { GraphError(.shape, detail) }
        func single() throws(GraphError) -> [Int] {
            guard inputs.count == 1 else { throw fail("expects one input, got \(inputs.count)") }
            return inputs[0]
        }
        /// The first input, and when `maskable` an optional second one: its [time, 1] mask (`sequenceMask`).
        func maskedSequence(_ maskable: Bool) throws(GraphError) -> [Int] {
            guard maskable, inputs.count == 2 else { return try single() }
            guard inputs[1] == [inputs[0][0], 1] else {
                throw fail("the mask has shape \(inputs[1]), expected [\(inputs[0][0]), 1] for input \(inputs[0])")
            }
            return inputs[0]
        }
        func weight(_ name: String) throws(GraphError) -> Tensor {
            guard let tensor = weights[name] else { throw GraphError(.weights, "missing weight '\(name)'") }
            return tensor
        }
        func checkBias(_ channels: Int) throws(GraphError) {
            if let bias = weights["bias"], bias.shape != [channels] {
                throw GraphError(.weights, "bias has shape \(bias.shape), expected [\(channels)]")
            }
        }

        switch self {
        case .input:
            return try single()

        case .dense:
            let input = try single()
            let kernel = try weight("kernel")
            guard let features = input.last, kernel.rank == 2, kernel.shape[0] == features else {
                throw GraphError(.weights, "kernel has shape \(kernel.shape), which does not fit input \(input)")
            }
            try checkBias(kernel.shape[1])
            return input.dropLast() + [kernel.shape[1]]

        case .convolution(let window, _):
            let input = try spatialInput(single(), rank: window.rank)
            let kernel = try weight("kernel")
            guard kernel.shape == window.size + [input.last!, kernel.shape.last ?? 0] else {
                throw GraphError(.weights, "kernel has shape \(kernel.shape), expected \(window.size + [input.last!, -1]) for input \(input)")
            }
            try checkBias(kernel.shape.last!)
            return try window.outputSpatial(input.dropLast()) + [kernel.shape.last!]

        case .groupedConvolution(let window, let groups, _):
            let input = try spatialInput(single(), rank: window.rank)
            let kernel = try weight("kernel")
            let channels = input.last!, filters = kernel.shape.last ?? 0
            guard channels % groups == 0, filters % groups == 0,
                  kernel.shape == window.size + [channels / groups, filters] else {
                throw GraphError(.weights, "kernel has shape \(kernel.shape), which does not split input \(input) and its filters into \(groups) groups (expected \(window.size + [channels / groups, -1]), filters a multiple of \(groups))")
            }
            try checkBias(filters)
            return try window.outputSpatial(input.dropLast()) + [filters]

        case .transposedConvolution(let window, let outputPadding, _):
            let input = try spatialInput(single(), rank: window.rank)
            let kernel = try weight("kernel")
            let filters = kernel.rank == window.rank + 2 ? kernel.shape[window.rank] : 0
            guard kernel.shape == window.size + [filters, input.last!] else {
                throw GraphError(.weights, "kernel has shape \(kernel.shape), expected \(window.size + [-1, input.last!]) (filters before input channels) for input \(input)")
            }
            try checkBias(filters)
            return window.transposedOutputSpatial(input.dropLast(), outputPadding: outputPadding) + [filters]

        case .depthwiseConvolution(let window, let multiplier, _):
            let input = try spatialInput(single(), rank: window.rank)
            let kernel = try weight("depthwise_kernel")
            guard kernel.shape == window.size + [input.last!, multiplier] else {
                throw GraphError(.weights, "depthwise_kernel has shape \(kernel.shape), expected \(window.size + [input.last!, multiplier])")
            }
            try checkBias(input.last! * multiplier)
            return try window.outputSpatial(input.dropLast()) + [input.last! * multiplier]

        case .separableConvolution(let window, let multiplier, _):
            let input = try spatialInput(single(), rank: window.rank)
            let depthwise = try weight("depthwise_kernel")
            let pointwise = try weight("pointwise_kernel")
            let middle = input.last! * multiplier
            guard depthwise.shape == window.size + [input.last!, multiplier] else {
                throw GraphError(.weights, "depthwise_kernel has shape \(depthwise.shape), expected \(window.size + [input.last!, multiplier])")
            }
            guard pointwise.shape.count == window.rank + 2, pointwise.shape.dropLast().elementsEqual(Array(repeating: 1, count: window.rank) + [middle]) else {
                throw GraphError(.weights, "pointwise_kernel has shape \(pointwise.shape), expected \(Array(repeating: 1, count: window.rank) + [middle, -1])")
            }
            try checkBias(pointwise.shape.last!)
            return try window.outputSpatial(input.dropLast()) + [pointwise.shape.last!]

        case .pool(_, let window):
            let input = try spatialInput(single(), rank: window.rank)
            guard let taps = ShapeLimits.elementCount(window.size), taps <= Self.maxPoolTaps else {
                throw fail("pooling window \(window.size) has more than \(Self.maxPoolTaps) positions")
            }
            return try window.outputSpatial(input.dropLast()) + [input.last!]

        case .globalPool(let kind, let keepDims):
            let input = try maskedSequence(kind == .average && inputs.first?.count == 2)
            guard input.count >= 2 else { throw fail("global pooling needs spatial axes, input is \(input)") }
            return keepDims ? Array(repeating: 1, count: input.count - 1) + [input.last!] : [input.last!]

        case .reduce(_, let axes, let keepDims):
            let input = try single()
            guard axes.last! <= input.count else { throw fail("axes \(axes) are outside input \(input)") }
            let kept = input.indices.compactMap { axes.contains($0 + 1) ? (keepDims ? 1 : nil) : input[$0] }
            guard !kept.isEmpty else { throw fail("a reduction over every axis of \(input) to one number per sample needs keepdims") }
            return kept

        case .flatten:
            return [try single().reduce(1, *)]

        case .reshape(let shape):
            let input = try single()
            guard let count = ShapeLimits.elementCount(shape), count == ShapeLimits.elementCount(input) else {
                throw fail("cannot reshape \(input) to \(shape)")
            }
            return shape

        case .permute(let order):
            let input = try single()
            guard order.count == input.count + 1, order.first == 0, Set(order) == Set(0...input.count) else {
                throw fail("permutation \(order) does not fit input \(input)")
            }
            return order.dropFirst().map { input[$0 - 1] }

        case .identity, .activation:
            return try single()

        case .batchNormalization(let axis, _):
            let input = try single()
            guard axis >= 1, axis <= input.count else { throw fail("axis \(axis) is outside input \(input)") }
            for name in ["gamma", "beta", "moving_mean", "moving_variance"] {
                if let tensor = weights[name], tensor.shape != [input[axis - 1]] {
                    throw GraphError(.weights, "\(name) has shape \(tensor.shape), expected [\(input[axis - 1])]")
                }
            }
            _ = try weight("moving_mean")
            _ = try weight("moving_variance")
            return input

        case .prelu:
            let input = try single()
            let alpha = try weight("alpha")
            guard alpha.rank == input.count, zip(alpha.shape, input).allSatisfy({ $0 == $1 || $0 == 1 }) else {
                throw GraphError(.weights, "alpha has shape \(alpha.shape), which does not broadcast to \(input)")
            }
            return input

        case .merge(let kind):
            let pairwise = kind == .subtract || kind == .divide
            guard inputs.count >= 2, !pairwise || inputs.count == 2 else {
                throw fail("\(kind.rawValue) needs \(pairwise ? "exactly" : "at least") two inputs, got \(inputs.count)")
            }
            guard let shape = broadcastShape(inputs) else { throw fail("inputs of shapes \(inputs) do not broadcast to one shape") }
            return shape

        case .linearCombination(let coefficients):
            guard inputs.count == coefficients.count, let shape = inputs.first, inputs.allSatisfy({ $0 == shape }) else {
                throw fail("a linear combination with \(coefficients.count) coefficients needs as many inputs of one shape, got \(inputs)")
            }
            return shape

        case .concatenate(let axis):
            guard !inputs.isEmpty else { throw fail("concatenate needs inputs") }
            let rank = inputs[0].count
            guard axis >= 1, axis <= rank else { throw fail("axis \(axis) is outside inputs \(inputs)") }
            var result = inputs[0]
            for other in inputs.dropFirst() {
                guard other.count == rank,
                      other.indices.allSatisfy({ $0 == axis - 1 || other[$0] == inputs[0][$0] }) else {
                    throw fail("inputs \(inputs) differ outside the concatenation axis \(axis)")
                }
                result[axis - 1] += other[axis - 1]
            }
            return result

        case .zeroPadding(let pads):
            let input = try spatialInput(single(), rank: pads.count)
            return zip(input.dropLast(), pads).map { $0 + $1[0] + $1[1] } + [input.last!]

        case .cropping(let crops):
            let input = try spatialInput(single(), rank: crops.count)
            let spatial = zip(input.dropLast(), crops).map { $0 - $1[0] - $1[1] }
            guard spatial.allSatisfy({ $0 > 0 }) else { throw fail("cropping \(crops) removes all of input \(input)") }
            return spatial + [input.last!]

        case .upsampling(let size):
            let input = try spatialInput(single(), rank: size.count)
            return zip(input.dropLast(), size).map { $0 * $1 } + [input.last!]

        case .resize(let size, _):
            let input = try spatialInput(single(), rank: 2)
            return size + [input.last!]

        case .rescaling(let scale, let offset):
            let input = try single()
            for values in [scale, offset] where values.count != 1 && values.count != input.last {
                throw fail("\(values.count) scale or offset values do not fit \(input.last ?? 0) channels")
            }
            return input

        case .normalization(let axes, _, _):
            let input = try single()
            guard axes.allSatisfy({ $0 >= 1 && $0 <= input.count }) else { throw fail("axes \(axes) are outside input \(input)") }
            let kept = axes.map { input[$0 - 1] }
            for name in ["mean", "variance"] {
                let tensor = try weight(name)
                guard tensor.count == kept.reduce(1, *) else {
                    throw GraphError(.weights, "\(name) has shape \(tensor.shape), expected \(kept)")
                }
            }
            return input

        case .layerNormalization(let axes, _, let rmsScaling):
            let input = try single()
            guard axes.allSatisfy({ $0 >= 1 && $0 <= input.count }) else { throw fail("axes \(axes) are outside input \(input)") }
            let kept = axes.map { input[$0 - 1] }
            for name in ["gamma", "beta"] {
                if let tensor = weights[name], tensor.shape != kept {
                    throw GraphError(.weights, "\(name) has shape \(tensor.shape), expected \(kept)")
                }
            }
            if rmsScaling, weights["beta"] != nil { throw GraphError(.weights, "beta is not used with rms_scaling") }
            return input

        case .groupNormalization(let groups, _):
            let input = try single()
            guard input.count >= 1, input.last! % groups == 0 else { throw fail("\(groups) groups do not split the channels of input \(input)") }
            for name in ["gamma", "beta"] {
                if let tensor = weights[name], tensor.shape != [input.last!] {
                    throw GraphError(.weights, "\(name) has shape \(tensor.shape), expected [\(input.last!)]")
                }
            }
            return input

        case .unitNormalization(let axes, _):
            let input = try single()
            guard axes.allSatisfy({ $0 >= 1 && $0 <= input.count }) else { throw fail("axes \(axes) are outside input \(input)") }
            return input

        case .slice(let begin, let end, let strides, let shape):
            let input = try single()
            guard begin.count == input.count else { throw fail("slice of \(begin.count) axes does not fit input \(input)") }
            var sliced: [Int] = []
            for axis in input.indices {
                guard begin[axis] < end[axis], end[axis] <= input[axis] else {
                    throw fail("slice \(begin[axis])..<\(end[axis]) of axis \(axis + 1) is empty or outside input \(input)")
                }
                sliced.append((end[axis] - begin[axis] + strides[axis] - 1) / strides[axis])
            }
            guard shape.filter({ $0 != 1 }) == sliced.filter({ $0 != 1 }), !shape.isEmpty else {
                throw fail("the slice of \(input) has shape \(sliced), which cannot be read out as \(shape)")
            }
            return shape

        case .recurrent(let recurrence):
            return try recurrence.outputShape(input: maskedSequence(true), weights: weights)

        case .embedding:
            let table = try weight("embeddings")
            guard table.rank == 2, table.shape[0] >= 1, table.shape[1] >= 1 else {
                throw GraphError(.weights, "embeddings has shape \(table.shape), expected [vocabulary, width]")
            }
            return try single() + [table.shape[1]]

        case .sequenceMask:
            return [try single()[0], 1]

        case .attention(let attention):
            return try attention.outputShape(inputs: inputs, weights: weights)
        }
    }
}

/// Checks that a per-sample shape has `rank` spatial axes followed by channels.
private func spatialInput(_ shape: [Int], rank: Int) throws(GraphError) -> [Int] {
    guard shape.count == rank + 1 else {
        throw GraphError(.shape, "expects \(rank) spatial axes and channels, got input \(shape)")
    }
    return shape
}

extension Window {
    /// The spatial output size, with TensorFlow's rules: `valid` keeps whole windows, `same` gives ceil(n / stride).
    public func outputSpatial(_ input: [Int]) throws(GraphError) -> [Int] {
        var result: [Int] = []
        for axis in 0..<rank {
            let extent = (size[axis] - 1) * dilations[axis] + 1
            let length: Int
            switch padding {
            case .valid: length = input[axis] >= extent ? (input[axis] - extent) / strides[axis] + 1 : 0
            case .same: length = (input[axis] + strides[axis] - 1) / strides[axis]
            }
            guard length > 0 else {
                throw GraphError(.shape, "window \(size) (dilation \(dilations)) does not fit input \(input) with valid padding")
            }
            result.append(length)
        }
        return result
    }

    /// The spatial output size of a transposed convolution over `input`: per axis `(n − 1)·stride + extent +
    /// outputPadding`, less `2·⌊extent/2⌋` with `same` padding (Keras's `deconv_output_length` with the padding
    /// given; a size below 1 is refused by the shape check after it). Attributes are range-checked before, so
    /// nothing overflows.
    public func transposedOutputSpatial(_ input: [Int], outputPadding: [Int]) -> [Int] {
        (0..<rank).map { axis in
            let extent = (size[axis] - 1) * dilations[axis] + 1
            let cropped = padding == .same ? 2 * (extent / 2) : 0
            return (input[axis] - 1) * strides[axis] + extent - cropped + outputPadding[axis]
        }
    }

    /// Output positions a transposed convolution crops before its first one along `axis`, from `input` positions to
    /// `output`: with `same`, half (rounded down) of what the full result `(n − 1)·stride + extent` overhangs the
    /// output, as TensorFlow pads the convolution it is the adjoint of; zero with `valid`.
    public func transposedPadBefore(axis: Int, input: Int, output: Int) -> Int {
        guard padding == .same else { return 0 }
        let extent = (size[axis] - 1) * dilations[axis] + 1
        return max((input - 1) * strides[axis] + extent - output, 0) / 2
    }

    /// Padding before the first position along `axis` for an input of `length`; TensorFlow puts the odd one at the end.
    public func padBefore(axis: Int, length: Int) -> Int {
        padding == .same ? samePads(axis: axis, length: length).before : 0
    }

    /// The zeros `same` padding adds before and after an input of `length` along `axis`, whatever this window's
    /// padding: the total a window needs to give ⌈length / stride⌉ outputs, the odd one at the end as TensorFlow pads.
    public func samePads(axis: Int, length: Int) -> (before: Int, after: Int) {
        let output = (length + strides[axis] - 1) / strides[axis]
        let extent = (size[axis] - 1) * dilations[axis] + 1
        let total = max((output - 1) * strides[axis] + extent - length, 0)
        return (total / 2, total - total / 2)
    }
}
