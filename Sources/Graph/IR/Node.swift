/// One layer application. `name` is the Keras layer name, the key users address layers by (`conv1d_2`).
public struct Node: Sendable, Equatable {
    public var name: String
    /// The Keras class the node came from (`Conv2D`), for summaries and error messages.
    public var kerasClass: String
    public var op: Op
    /// Names of the nodes whose outputs feed this one, in order.
    public var inputs: [String]
    /// Weights under their Keras names (`kernel`, `bias`, `gamma`, `moving_mean`, …), in Keras's layouts.
    public var weights: [String: Tensor]
    /// Per-sample output shape (no batch axis).
    public var outputShape: [Int]
    /// Weights that Keras does not count as parameters: statistics given in the layer's configuration rather than
    /// stored as variables (a Normalization layer built with `mean=` and `variance=`).
    public var constantNames: Set<String> = []
    /// For a later call of a shared Keras layer (`dense:1`), the node of the layer's first call: both hold the same
    /// weights, which count once in the model's parameters and which a weight ablation zeroes in every call.
    public var weightsFrom: String? = nil
    /// How many leading per-sample axes the op runs over independently (Keras's TimeDistributed, 1 per wrapper):
    /// the op sees each sample as `outputShape[..<distributedAxes]` samples of the remaining axes. Tensors are
    /// batch-first and contiguous, so [N, T, …] is [N·T, …] for the op. 0 for an ordinary node.
    public var distributedAxes: Int = 0

    public init(name: String, kerasClass: String, op: Op, inputs: [String],
                weights: [String: Tensor] = [:], outputShape: [Int]) {
        self.name = name
        self.kerasClass = kerasClass
        self.op = op
        self.inputs = inputs
        self.weights = weights
        self.outputShape = outputShape
    }

    /// The number of scalars in the node's weights, as Keras counts parameters.
    public var parameterCount: Int {
        weights.filter { !constantNames.contains($0.key) }.values.reduce(0) { $0 + $1.count }
    }
}
