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

/// One recurrent layer (Keras's LSTM, GRU, SimpleRNN) run from a zero state over the sequence axis of a
/// [time, features] input. Weights: `kernel` [features, g·units], `recurrent_kernel` [units, g·units], optional
/// `bias` [g·units] — for a GRU with `resetAfter`, [2, 3·units]: the input bias then the recurrent bias.
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

    public init(cell: RecurrentCell, units: Int, activation: Activation, recurrentActivation: Activation?,
                resetAfter: Bool = false, returnSequences: Bool, goBackwards: Bool) {
        self.cell = cell
        self.units = units
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.resetAfter = resetAfter
        self.returnSequences = returnSequences
        self.goBackwards = goBackwards
    }

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
        for function in [activation, recurrentActivation].compactMap({ $0 }) where function.axis != nil {
            throw GraphError(.unsupported, "activation \(function.kind.rawValue) inside a recurrent cell is not supported")
        }
    }

    /// [time, features] → [time, units] or [units]; the weights must fit the input and the units.
    func outputShape(input: [Int], weights: [String: Tensor]) throws(GraphError) -> [Int] {
        guard input.count == 2 else { throw GraphError(.shape, "expects a [time, features] input, got \(input)") }
        let columns = cell.gateCount * units
        let expected: [(String, [Int])] = [("kernel", [input[1], columns]), ("recurrent_kernel", [units, columns])]
        for (name, shape) in expected {
            guard let tensor = weights[name] else { throw GraphError(.weights, "missing weight '\(name)'") }
            guard tensor.shape == shape else { throw GraphError(.weights, "\(name) has shape \(tensor.shape), expected \(shape)") }
        }
        if let bias = weights["bias"], bias.shape != biasShape {
            throw GraphError(.weights, "bias has shape \(bias.shape), expected \(biasShape)")
        }
        return returnSequences ? [input[0], units] : [units]
    }

    public var biasShape: [Int] { resetAfter ? [2, cell.gateCount * units] : [cell.gateCount * units] }
}
