import Foundation
import KerasLensGraph

/// Recurrent layers as ONNX's own LSTM, GRU and RNN ops (layout 0: [time, batch, features]), bidirectional ones
/// included.
/// Keras's kernels are `x · K` with gate blocks as columns; ONNX's are `W · x` with gates as rows, so each kernel
/// is transposed, and the LSTM's blocks go from Keras's i, f, c, o to ONNX's i, o, f, c. A GRU's `reset_after`
/// is ONNX's `linear_before_reset`, and its recurrent bias becomes ONNX's `Rb`.
extension ONNXBuilder {
    /// With a mask (`mask`, [N, time, 1]): the unmasked steps are moved to the front in time order (TopK of
    /// `t + time·(1 − mask)`, then GatherElements) and their count is ONNX's `sequence_lens`, so the op runs exactly
    /// the steps Keras runs. Its `Y_h` is Keras's last state, both ways; a sequence output is the compacted states
    /// gathered back to time order (`maskedSequence`); `zero_output_for_mask` zeroes the masked steps' outputs.
    mutating func recurrent(_ node: Node, _ recurrence: Recurrence, shape: [Int], input: String, mask: String? = nil,
                            into output: String) throws(GraphError) {
        let layer = node.name
        let (steps, units) = (shape[0], recurrence.units)
        let columns = recurrence.cell.gateCount * units
        let order: [Int]
        let opType: String
        let functions: [Activation]
        switch recurrence.cell {
        case .lstm:
            (order, opType) = ([0, 3, 1, 2], "LSTM")
            functions = [recurrence.recurrentActivation!, recurrence.activation, recurrence.activation]
        case .gru:
            (order, opType) = ([0, 1, 2], "GRU")
            functions = [recurrence.recurrentActivation!, recurrence.activation]
        case .simpleRNN:
            (order, opType) = ([0], "RNN")
            functions = [recurrence.activation]
        }
        var names: [String] = []
        var alphas: [Float] = []
        var betas: [Float] = []
        for function in functions {
            guard let (name, alpha, beta) = Self.recurrentFunction(function) else {
                throw GraphError(.unsupported, layer: layer, kerasClass: node.kerasClass,
                                 "activation \(function.kind.rawValue) has no form in ONNX's \(opType) op")
            }
            names.append(name)
            alphas += alpha.map { [$0] } ?? []
            betas += beta.map { [$0] } ?? []
        }

        // One row of W, R, B per direction; a bidirectional layer is ONNX's direction "bidirectional".
        let directions = recurrence.directions
        var w: [Float] = [], r: [Float] = [], b: [Float] = []
        for backward in directions {
            func weight(_ name: String) -> Tensor? { node.weights[Recurrence.weightName(name, backward: backward)] }
            let bias = weight("bias")?.scalars ?? Array(repeating: 0, count: columns)
            // Two rows (a GRU with reset_after, an LSTM in cuDNN's layout) are ONNX's Wb and Rb.
            let recurrentBias = bias.count == 2 * columns ? Array(bias.suffix(columns)) : Array(repeating: 0, count: columns)
            w += Self.gateRows(weight("kernel")!, order: order, units: units)
            r += Self.gateRows(weight("recurrent_kernel")!, order: order, units: units)
            b += Self.reorder(Array(bias.prefix(columns)), order, units) + Self.reorder(recurrentBias, order, units)
        }
        let count = directions.count
        let (sequence, lengths) = mask.map { compacted(input, mask: $0, layer: layer) } ?? (input, "")
        let timeFirst = step("Transpose", [sequence], layer: layer, [.ints("perm", [1, 0, 2])])
        var inputs = [timeFirst,
                      constant(Tensor(shape: [count, columns, shape[1]], scalars: w), layer: layer, "W"),
                      constant(Tensor(shape: [count, columns, units], scalars: r), layer: layer, "R"),
                      constant(Tensor(shape: [count, 2 * columns], scalars: b), layer: layer, "B")]
        if mask != nil { inputs.append(lengths) }
        let direction = count == 2 ? "bidirectional" : recurrence.goBackwards ? "reverse" : "forward"
        var attributes: [Onnx_AttributeProto] = [.int("hidden_size", units), .string("direction", direction),
                                                 .strings("activations", Array(repeating: names, count: count).flatMap { $0 })]
        if !alphas.isEmpty { attributes.append(.floats("activation_alpha", Array(repeating: alphas, count: count).flatMap { $0 })) }
        if !betas.isEmpty { attributes.append(.floats("activation_beta", Array(repeating: betas, count: count).flatMap { $0 })) }
        if recurrence.cell == .gru { attributes.append(.int("linear_before_reset", recurrence.resetAfter ? 1 : 0)) }
        // Y [time, directions, batch, units]; ONNX writes a reverse run's states at the time index they were
        // computed for, which is the order Bidirectional merges them in.
        let outputs: [String]
        if let mask, recurrence.returnSequences {
            let states = step(opType, inputs, layer: layer, attributes)
            outputs = (0..<count).map { index in
                let compact = directionOutput(states, index: index, reversed: false, steps: steps, units: units, sequences: true, layer: layer)
                return maskedSequence(compact, mask: mask, backward: index == 1 || recurrence.goBackwards,
                                      reversed: recurrence.goBackwards != recurrence.flipsSequence,
                                      zeroMasked: recurrence.zeroOutputForMask, layer: layer)
            }
        } else if let mask {
            // Y_h [directions, batch, units]: each direction's state after its last step within sequence_lens.
            let last = fresh(layer, "\(opType)_Y_h")
            add(opType, inputs, outputs: [fresh(layer, "\(opType)_Y"), last], attributes)
            outputs = (0..<count).map { index in
                let one = step("Slice", [last, int64s([index], layer: layer, "starts"), int64s([index + 1], layer: layer, "ends"),
                                         int64s([0], layer: layer, "axes")], layer: layer)
                let state = step("Reshape", [one, int64s([-1, units], layer: layer, "shape")], layer: layer)
                guard recurrence.zeroOutputForMask else { return state }
                // Zeros when the step read last (time 0 reading backwards) is masked; the last time is counted from
                // the end, so that the lowering holds at any sequence length.
                let (first, end) = index == 1 || recurrence.goBackwards ? (0, 1) : (-1, Int(Int64.max))
                let kept = step("Slice", [timeMask(mask, layer: layer), int64s([first], layer: layer, "last_start"),
                                          int64s([end], layer: layer, "last_end"), int64s([1], layer: layer, "time_axis")],
                                layer: layer)
                return step("Mul", [state, kept], layer: layer)
            }
        } else {
            let states = step(opType, inputs, layer: layer, attributes)
            outputs = (0..<count).map { index in
                // A flipped sequence (a lowered Bidirectional's backward layer) is reversed once more.
                directionOutput(states, index: index, reversed: recurrence.goBackwards != recurrence.flipsSequence,
                                steps: steps, units: units, sequences: recurrence.returnSequences, layer: layer)
            }
        }
        switch recurrence.merge {
        case nil: add("Identity", outputs, into: output)
        case .concat: add("Concat", outputs, into: output, [.int("axis", -1)])
        case .sum: add("Add", outputs, into: output)
        case .mul: add("Mul", outputs, into: output)
        case .ave: add("Mul", [step("Add", outputs, layer: layer), scalar(0.5, layer: layer, "half")], into: output)
        }
    }

    /// One direction's Keras output from ONNX's Y: [batch, time, units] or the last state [batch, units]. A
    /// reverse run's last state sits at time 0; `reversed` (a one-way layer reading backwards) outputs the sequence
    /// in the order it was read, as Keras does.
    private mutating func directionOutput(_ states: String, index: Int, reversed: Bool, steps: Int, units: Int,
                                          sequences: Bool, layer: String) -> String {
        let backward = index == 1 || reversed
        guard sequences else {
            // Time 0, or the last time counted from the end, so that the lowering holds at any sequence length.
            let (first, end) = backward ? (0, 1) : (-1, Int(Int64.max))
            let final = step("Slice", [states, int64s([first, index], layer: layer, "starts"),
                                       int64s([end, index + 1], layer: layer, "ends"), int64s([0, 1], layer: layer, "axes")],
                             layer: layer)
            return step("Reshape", [final, int64s([-1, units], layer: layer, "shape")], layer: layer)
        }
        let one = step("Slice", [states, int64s([index], layer: layer, "starts"), int64s([index + 1], layer: layer, "ends"),
                                 int64s([1], layer: layer, "axes")], layer: layer)
        let batchFirst = step("Transpose", [one], layer: layer, [.ints("perm", [2, 0, 1, 3])])
        let sequence = step("Squeeze", [batchFirst, int64s([2], layer: layer, "axes")], layer: layer)
        guard reversed else { return sequence }
        return step("Slice", [sequence, int64s([-1], layer: layer, "starts"), int64s([Int(Int64.min)], layer: layer, "ends"),
                              int64s([1], layer: layer, "axes"), int64s([-1], layer: layer, "steps")], layer: layer)
    }

    /// Keras's masked sequence output [N, time, units] from the compacted run's states `compact` (state j after the
    /// j-th unmasked step; zeros past the count). Forwards, time t holds the state after the unmasked steps up to t:
    /// compacted index `cumsum(mask)[t] − 1`, read from the states with a zero row put in front. Backwards, the state
    /// after the unmasked steps from t on: index `cumsum(mask)[t] − mask[t]`. Masked steps are then zeroed with
    /// `zeroMasked`, and a one-way layer reading backwards gives its rows in the order it read them.
    private mutating func maskedSequence(_ compact: String, mask: String, backward: Bool, reversed: Bool, zeroMasked: Bool,
                                         layer: String) -> String {
        let flat = timeMask(mask, layer: layer)
        let counted = step("CumSum", [flat, int64s([1], layer: layer, "cumsum_axis")], layer: layer)
        let position = backward ? step("Sub", [counted, flat], layer: layer) : counted
        var states = compact
        if !backward {
            let first = step("Slice", [compact, int64s([0], layer: layer, "first_start"), int64s([1], layer: layer, "first_end"),
                                       int64s([1], layer: layer, "time_axis_1")], layer: layer)
            let zero = step("Mul", [first, scalar(0, layer: layer, "zero")], layer: layer)
            states = step("Concat", [zero, compact], layer: layer, [.int("axis", 1)])
        }
        let index = step("Cast", [position], layer: layer, [.int("to", Int(Onnx_TensorProto.DataType.int64.rawValue))])
        let indices = step("Expand", [step("Unsqueeze", [index, int64s([2], layer: layer, "unit_axis")], layer: layer),
                                      step("Shape", [compact], layer: layer)], layer: layer)
        var sequence = step("GatherElements", [states, indices], layer: layer, [.int("axis", 1)])
        if zeroMasked { sequence = step("Mul", [sequence, mask], layer: layer) }
        guard reversed else { return sequence }
        return step("Slice", [sequence, int64s([-1], layer: layer, "starts"), int64s([Int(Int64.min)], layer: layer, "ends"),
                              int64s([1], layer: layer, "axes"), int64s([-1], layer: layer, "steps")], layer: layer)
    }

    /// The sequence [N, time, F] with its unmasked steps first, in time order, and their count per sample (int32).
    /// The positions, the step count and TopK's k come from the mask's own shape, so that the lowering holds at any
    /// sequence length (an open one included).
    private mutating func compacted(_ input: String, mask: String, layer: String) -> (String, String) {
        let flat = timeMask(mask, layer: layer)
        let masked = step("Sub", [scalar(1, layer: layer, "one"), flat], layer: layer)
        let ones = step("Add", [masked, flat], layer: layer)
        let positions = step("CumSum", [ones, int64s([1], layer: layer, "cumsum_axis")], layer: layer, [.int("exclusive", 1)])
        let steps = step("ReduceSum", [ones, int64s([1], layer: layer, "steps_axis")], layer: layer, [.int("keepdims", 1)])
        let keys = step("Add", [positions, step("Mul", [masked, steps], layer: layer)], layer: layer)
        let k = step("Slice", [step("Shape", [flat], layer: layer), int64s([1], layer: layer, "k_start"),
                               int64s([2], layer: layer, "k_end")], layer: layer)
        let order = fresh(layer, "order")
        add("TopK", [keys, k], outputs: [fresh(layer, "sorted_keys"), order],
            [.int("axis", 1), .int("largest", 0), .int("sorted", 1)])
        let indices = step("Expand", [step("Unsqueeze", [order, int64s([2], layer: layer, "feature_axis")], layer: layer),
                                      step("Shape", [input], layer: layer)], layer: layer)
        let gathered = step("GatherElements", [input, indices], layer: layer, [.int("axis", 1)])
        let count = step("ReduceSum", [flat, int64s([1], layer: layer, "time_axis")], layer: layer, [.int("keepdims", 0)])
        let lengths = step("Cast", [count], layer: layer, [.int("to", Int(Onnx_TensorProto.DataType.int32.rawValue))])
        return (gathered, lengths)
    }

    /// A mask [N, time, 1] as [N, time].
    private mutating func timeMask(_ mask: String, layer: String) -> String {
        step("Squeeze", [mask, int64s([2], layer: layer, "mask_axes")], layer: layer)
    }

    /// A Keras kernel [rows, g·units] as ONNX's [g·units, rows] (row-major values), its gate blocks in ONNX's order.
    private static func gateRows(_ kernel: Tensor, order: [Int], units: Int) -> [Float] {
        let rows = kernel.shape[0], columns = kernel.shape[1]
        var result: [Float] = []
        result.reserveCapacity(kernel.count)
        for block in order {
            for unit in 0..<units {
                for row in 0..<rows { result.append(kernel.scalars[row * columns + block * units + unit]) }
            }
        }
        return result
    }

    private static func reorder(_ values: [Float], _ order: [Int], _ units: Int) -> [Float] {
        order.flatMap { values[($0 * units)..<(($0 + 1) * units)] }
    }

    /// ONNX's name for an activation inside a recurrent op, with the alpha and beta it consumes; nil if it has none.
    static func recurrentFunction(_ activation: Activation) -> (String, Float?, Float?)? {
        switch activation {
        case .linear: return ("Affine", 1, 0)
        case .relu: return ("Relu", nil, nil)
        case .sigmoid: return ("Sigmoid", nil, nil)
        case .tanh: return ("Tanh", nil, nil)
        case .hardSigmoidKeras2: return ("HardSigmoid", 0.2, 0.5)
        case .hardSigmoidKeras3: return ("HardSigmoid", 1.0 / 6, 0.5)
        case .softsign: return ("Softsign", nil, nil)
        case .softplus: return ("Softplus", nil, nil)
        case .elu(let alpha): return ("Elu", alpha, nil)
        case .leakyReLU(let alpha): return ("LeakyRelu", alpha, nil)
        case .clippedReLU, .relu6, .softmax, .selu, .swish, .gelu, .exponential, .mish, .hardSilu, .logSoftmax, .celu,
             .hardShrink, .softShrink, .hardTanh, .logSigmoid, .sparsePlus, .sparseSigmoid, .squareplus, .tanhShrink:
            return nil
        }
    }
}

extension Onnx_AttributeProto {
    static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .string
        attribute.s = Data(value.utf8)
        return attribute
    }

    static func strings(_ name: String, _ values: [String]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .strings
        attribute.strings = values.map { Data($0.utf8) }
        return attribute
    }

    static func floats(_ name: String, _ values: [Float]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .floats
        attribute.floats = values
        return attribute
    }
}
