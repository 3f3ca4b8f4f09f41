import Foundation

/// Recurrent layers as ONNX's own LSTM, GRU and RNN ops (one direction, layout 0: [time, batch, features]).
/// Keras's kernels are `x · K` with gate blocks as columns; ONNX's are `W · x` with gates as rows, so each kernel
/// is transposed, and the LSTM's blocks go from Keras's i, f, c, o to ONNX's i, o, f, c. A GRU's `reset_after`
/// is ONNX's `linear_before_reset`, and its recurrent bias becomes ONNX's `Rb`.
extension ONNXBuilder {
    mutating func recurrent(_ node: Node, _ recurrence: Recurrence, shape: [Int], input: String, into output: String) throws(GraphError) {
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

        let kernel = node.weights["kernel"]!, recurrentKernel = node.weights["recurrent_kernel"]!
        let bias = node.weights["bias"]?.scalars ?? Array(repeating: 0, count: columns)
        let inputBias = Array(bias.prefix(columns))
        let recurrentBias = recurrence.resetAfter ? Array(bias.suffix(columns)) : Array(repeating: 0, count: columns)
        let timeFirst = step("Transpose", [input], layer: layer, [.ints("perm", [1, 0, 2])])
        let inputs = [timeFirst,
                      constant(Self.gateRows(kernel, order: order, units: units), layer: layer, "W"),
                      constant(Self.gateRows(recurrentKernel, order: order, units: units), layer: layer, "R"),
                      constant(Tensor(shape: [1, 2 * columns], scalars: Self.reorder(inputBias, order, units) + Self.reorder(recurrentBias, order, units)),
                               layer: layer, "B")]
        var attributes: [Onnx_AttributeProto] = [.int("hidden_size", units), .strings("activations", names),
                                                 .string("direction", recurrence.goBackwards ? "reverse" : "forward")]
        if !alphas.isEmpty { attributes.append(.floats("activation_alpha", alphas)) }
        if !betas.isEmpty { attributes.append(.floats("activation_beta", betas)) }
        if recurrence.cell == .gru { attributes.append(.int("linear_before_reset", recurrence.resetAfter ? 1 : 0)) }
        // Y [time, 1, batch, units]; ONNX writes a reverse run's states at the time index they were computed for.
        let states = step(opType, inputs, layer: layer, attributes)
        if recurrence.returnSequences {
            let batchFirst = step("Transpose", [states], layer: layer, [.ints("perm", [2, 0, 1, 3])])
            guard recurrence.goBackwards else {
                add("Reshape", [batchFirst, int64s([-1, steps, units], layer: layer, "shape")], into: output)
                return
            }
            // Keras outputs a backward run in the order it reads the steps.
            let sequence = step("Reshape", [batchFirst, int64s([-1, steps, units], layer: layer, "shape")], layer: layer)
            add("Slice", [sequence, int64s([-1], layer: layer, "starts"), int64s([Int(Int64.min)], layer: layer, "ends"),
                          int64s([1], layer: layer, "axes"), int64s([-1], layer: layer, "steps")], into: output)
        } else {
            let last = recurrence.goBackwards ? 0 : steps - 1
            let final = step("Slice", [states, int64s([last], layer: layer, "starts"), int64s([last + 1], layer: layer, "ends"),
                                       int64s([0], layer: layer, "axes")], layer: layer)
            add("Reshape", [final, int64s([-1, units], layer: layer, "shape")], into: output)
        }
    }

    /// A Keras kernel [rows, g·units] as ONNX's [1, g·units, rows], its gate blocks in ONNX's order.
    private static func gateRows(_ kernel: Tensor, order: [Int], units: Int) -> Tensor {
        let rows = kernel.shape[0], columns = kernel.shape[1]
        var result: [Float] = []
        result.reserveCapacity(kernel.count)
        for block in order {
            for unit in 0..<units {
                for row in 0..<rows { result.append(kernel.scalars[row * columns + block * units + unit]) }
            }
        }
        return Tensor(shape: [1, columns, rows], scalars: result)
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
