/// The cell a recurrent layer repeats over time, with Keras's gate blocks (column blocks of `units` in its kernels).
public enum RecurrentCell: String, Sendable, Equatable, Hashable, CaseIterable {
    /// Gates i, f, c, o: `c = f⊙c₋₁ + i⊙act(·)`, `h = o⊙act(c)`.
    case lstm
    /// Gates z, r, h: `h = z⊙h₋₁ + (1−z)⊙h̃`.
    case gru
    /// `h = act(x·kernel + bias + h₋₁·recurrent_kernel)`.
    case simpleRNN = "simple_rnn"

    /// How many blocks of `units` columns the kernels hold.
    public var gateCount: Int {
        switch self {
        case .lstm: return 4
        case .gru: return 3
        case .simpleRNN: return 1
        }
    }
}

/// How Keras's Bidirectional joins its forward and backward outputs (the backward one back in time order).
public enum RecurrentMerge: String, Sendable, Equatable, Hashable, CaseIterable {
    /// Forward units then backward units on the last axis.
    case concat
    case sum, mul
    /// `(forward + backward) / 2`.
    case ave
}

/// One recurrent layer (Keras's LSTM, GRU, SimpleRNN) run from a zero state over the sequence axis of a
/// [time, features] input. Weights: `kernel` [features, g·units], `recurrent_kernel` [units, g·units], optional
/// `bias` [g·units] — for a GRU with `resetAfter`, [2, 3·units]: the input bias then the recurrent bias; an LSTM may
/// also keep these two rows (cuDNN's layout, which Keras counts as parameters), and adds them.
///
/// With `merge` it is Keras's Bidirectional around such a layer: the same cell reads the sequence both ways, the
/// backward run with the weights `backward_kernel`, `backward_recurrent_kernel`, `backward_bias`, its sequence
/// output put back in time order, and the two outputs merged.
public struct Recurrence: Sendable, Equatable, Hashable {
    public var cell: RecurrentCell
    public var units: Int
    public var activation: Activation
    /// The gates' activation (LSTM and GRU); nil for SimpleRNN, which has none.
    public var recurrentActivation: Activation?
    /// GRU only: the reset gate multiplies `h₋₁·R_h + b_rec` (Keras 3 and tf-keras default) instead of `h₋₁`.
    public var resetAfter: Bool
    /// Output every step's state [time, units] rather than the last one [units].
    public var returnSequences: Bool
    /// Read the sequence from its end; step k's state is output at position k, as Keras does.
    public var goBackwards: Bool
    /// Bidirectional: how the two directions' outputs are joined (then `goBackwards` is false); nil for one direction.
    public var merge: RecurrentMerge?
    /// With a mask: a masked step outputs zeros instead of the state carried over (Keras's `zero_output_for_mask`,
    /// which Bidirectional sets to `returnSequences`). Without a mask it changes nothing.
    public var zeroOutputForMask: Bool = false
    /// With `returnSequences`: the sequence output flipped on the time axis, as Keras's Bidirectional flips its
    /// backward layer's (reading backwards, this puts it back in time order). The importer lowers a Bidirectional that
    /// one op cannot express (merge_mode None, a backward_layer of its own, a forward layer reading backwards) into its
    /// forward layer and such a flipped backward one.
    public var flipsSequence: Bool = false

    public init(cell: RecurrentCell, units: Int, activation: Activation, recurrentActivation: Activation?,
                resetAfter: Bool = false, returnSequences: Bool, goBackwards: Bool, merge: RecurrentMerge? = nil) {
        self.cell = cell
        self.units = units
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.resetAfter = resetAfter
        self.returnSequences = returnSequences
        self.goBackwards = goBackwards
        self.merge = merge
    }

    /// The names of the weights of one direction: `kernel`, … forwards, `backward_kernel`, … backwards.
    public static func weightName(_ name: String, backward: Bool) -> String { backward ? "backward_\(name)" : name }

    /// The directions run: forwards only, or both for a bidirectional layer.
    public var directions: [Bool] { merge == nil ? [false] : [false, true] }

    /// Units in range, the gate activation present exactly for the gated cells, `resetAfter` only for a GRU, and
    /// element-wise activations (a softmax would couple the units of one state).
    func checkAttributes() throws(GraphError) {
        guard (1...ShapeLimits.maxAttribute).contains(units) else {
            throw GraphError(.invalidConfig, "units \(units) is outside 1…\(ShapeLimits.maxAttribute)")
        }
        guard (recurrentActivation == nil) == (cell == .simpleRNN) else {
            throw GraphError(.invalidConfig, "a \(cell.rawValue) cell \(cell == .simpleRNN ? "has no" : "needs a") recurrent activation")
        }
        guard !resetAfter || cell == .gru else { throw GraphError(.invalidConfig, "reset_after applies to a GRU only") }
        guard !flipsSequence || (returnSequences && merge == nil) else {
            throw GraphError(.invalidConfig, "flip_sequence applies to a one-way recurrence returning sequences only")
        }
        guard merge == nil || !goBackwards else {
            throw GraphError(.unsupported, "a bidirectional layer whose forward layer reads backwards is not supported")
        }
        for function in [activation, recurrentActivation].compactMap({ $0 }) where function.axis != nil {
            throw GraphError(.unsupported, "activation \(function.kind.rawValue) inside a recurrent cell is not supported")
        }
    }

    /// [time, features] → [time, units] or [units]; the weights must fit the input and the units.
    func outputShape(input: [Int], weights: [String: Tensor]) throws(GraphError) -> [Int] {
        guard input.count == 2 else { throw GraphError(.shape, "expects a [time, features] input, got \(input)") }
        let columns = cell.gateCount * units
        for backward in directions {
            let expected: [(String, [Int])] = [("kernel", [input[1], columns]), ("recurrent_kernel", [units, columns])]
            for (weight, shape) in expected {
                let name = Self.weightName(weight, backward: backward)
                guard let tensor = weights[name] else { throw GraphError(.weights, "missing weight '\(name)'") }
                guard tensor.shape == shape else { throw GraphError(.weights, "\(name) has shape \(tensor.shape), expected \(shape)") }
            }
            let name = Self.weightName("bias", backward: backward)
            if let bias = weights[name], bias.shape != biasShape, !(cell == .lstm && bias.shape == [2, columns]) {
                throw GraphError(.weights, "\(name) has shape \(bias.shape), expected \(biasShape)")
            }
        }
        guard (weights["bias"] == nil) == (weights[Self.weightName("bias", backward: true)] == nil) || merge == nil else {
            throw GraphError(.weights, "one direction has a bias and the other has none")
        }
        let width = merge == .concat ? 2 * units : units
        return returnSequences ? [input[0], width] : [width]
    }

    /// The same layer reading one way: the backward half of a bidirectional one reads from the end.
    public func direction(backward: Bool) -> Recurrence {
        var single = self
        single.merge = nil
        single.goBackwards = goBackwards != backward
        return single
    }

    public var biasShape: [Int] { resetAfter ? [2, cell.gateCount * units] : [cell.gateCount * units] }
}
