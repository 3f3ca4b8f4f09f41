import KerasLensGraph

/// Follows Keras masks through a model as the importer builds it, as both Kerases do: Embedding (`mask_zero`) and
/// Masking make a mask; layers that support masking without using it pass it on unchanged; recurrent layers and
/// GlobalAveragePooling1D consume it (the mask becomes their second input); attention layers read the masks of
/// their query and value (and, for MultiHeadAttention, key) as further inputs and pass the query's on; every other
/// layer drops it, as Keras does for a layer that does not support masking. A layer that would use a mask in a way
/// KerasLens does not run (merges, softmax, …), or that Keras refuses a mask in (CuDNNLSTM), is refused rather than
/// run without it.
///
/// A mask is a node of its own (`<layer>/mask`, `Op.sequenceMask`), [time, 1] per sample.
struct MaskTracker {
    let kerasMajor: Int
    /// Whether the file records the masks Keras passed to each call (a Keras 3 Functional model's `mask` keywords):
    /// then every mask this tracker feeds a layer must be one the file records, and the other way round.
    let recorded: Bool
    /// Tensor (node name) → the mask node carried with it.
    private var masks: [String: String] = [:]
    /// Tensor → the calls that read it (Keras 3's MultiHeadAttention erases its inputs' masks, see `prepare`).
    private let consumers: [String: Set<String>]

    init(kerasMajor: Int, recorded: Bool, calls: [LayerCall] = []) {
        self.kerasMajor = kerasMajor
        self.recorded = recorded
        var consumers: [String: Set<String>] = [:]
        for call in calls {
            for tensor in call.inbound { consumers[tensor, default: []].insert(call.config.name) }
        }
        self.consumers = consumers
    }

    /// How a layer class treats a mask reaching it. The tables follow `supports_masking`, `compute_mask` and the
    /// `mask` argument of `call` in tf-keras 2.21 and Keras 3.15.
    enum Behaviour { case passes, consumes, attends, drops, refuses }

    func behaviour(_ kerasClass: String) -> Behaviour {
        let consuming: Set<String> = ["LSTM", "GRU", "SimpleRNN", "Bidirectional", "GlobalAveragePooling1D", "GlobalAvgPool1D"]
        var passing: Set<String> = ["Dense", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "ThresholdedReLU",
                                    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout",
                                    "AlphaDropout", "ActivityRegularization", "BatchNormalization", "LayerNormalization",
                                    "UnitNormalization"]
        var refusing: Set<String> = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
                                     "GroupedQueryAttention",
                                     "TimeDistributed", "Lambda", "Softmax", "CuDNNLSTM", "CuDNNGRU"]
        if kerasMajor >= 3 {
            // Keras 3's preprocessing layers and GroupNormalization support masking and ignore the mask.
            passing.formUnion(["Rescaling", "Normalization", "GroupNormalization", "Identity"])
        } else {
            // tf-keras's GroupNormalization weighs its statistics by the mask.
            refusing.insert("GroupNormalization")
        }
        if consuming.contains(kerasClass) { return .consumes }
        if Self.attending[kerasClass] != nil { return .attends }
        if passing.contains(kerasClass) { return .passes }
        if refusing.contains(kerasClass) { return .refuses }
        return .drops
    }

    /// The attention layers and the sequences whose masks they read, by input position: MultiHeadAttention reads
    /// the query's, value's and key's (both Kerases' `_compute_attention_mask`), Attention and AdditiveAttention
    /// `mask[0]` and `mask[1]` only (a key's mask is ignored).
    static let attending: [String: [AttentionMaskedInput]] = ["MultiHeadAttention": [.query, .value, .key],
                                                              "Attention": [.query, .value],
                                                              "AdditiveAttention": [.query, .value]]

    /// The mask nodes `call` needs made before it, and the call with the mask it consumes (or Masking's own) as an
    /// extra input. `shapes` are the per-sample shapes of the nodes built so far.
    mutating func prepare(_ call: LayerCall, shapes: [String: [Int]], taken: (String) -> Bool) throws(GraphError) -> (call: LayerCall, masks: [Node]) {
        let layer = call.config
        guard call.inputShape == nil else { return (call, []) }
        var call = call
        var made: [Node] = []
        func maskNode(value: Float, source: String) -> Node {
            var name = "\(layer.name)/mask"
            var suffix = 1
            while taken(name) || shapes[name] != nil {
                suffix += 1
                name = "\(layer.name)/mask_\(suffix)"
            }
            let steps = shapes[source]?.first ?? 1
            return Node(name: name, kerasClass: layer.kerasClass, op: .sequenceMask(value: value), inputs: [source],
                        outputShape: [steps, 1])
        }
        let incoming = call.inbound.compactMap { masks[$0] }
        // TimeDistributed is in the refusal table: a layer it wraps (the call carries the inner layer's class) can
        // neither make a mask nor receive one.
        if call.distributedAxes > 0 {
            let maskZero = layer.kerasClass == "Embedding" ? try layer.bool("mask_zero", default: false) : false
            let makesMask = layer.kerasClass == "Masking" || maskZero
            if makesMask || !incoming.isEmpty || call.recordedMask != nil {
                throw layer.error(.unsupported, makesMask ? "a Keras mask made inside TimeDistributed is not supported"
                                                          : "it receives a Keras mask (from Embedding mask_zero or Masking), which KerasLens cannot apply to a TimeDistributed layer")
            }
            return (call, [])
        }
        switch layer.kerasClass {
        case "Masking":
            guard call.inbound.count == 1 else { throw layer.error(.invalidConfig, "Masking takes one input") }
            let mask = maskNode(value: try layer.float("mask_value", default: 0), source: call.inbound[0])
            made.append(mask)
            call.inbound.append(mask.name)
            return (call, made)
        case "Embedding" where try layer.bool("mask_zero", default: false):
            guard call.inbound.count == 1, shapes[call.inbound[0]]?.count == 1 else {
                throw layer.error(.unsupported, "mask_zero over ids of shape \(call.inbound.first.flatMap { shapes[$0] } ?? []) is not supported (only [time])")
            }
            made.append(maskNode(value: 0, source: call.inbound[0]))
            return (call, made)
        default:
            break
        }
        if call.recordedMask != nil && incoming.isEmpty
            || recorded && call.recordedMask == nil && !incoming.isEmpty && behaviour(layer.kerasClass) == .consumes {
            throw layer.error(.unsupported, "the file records \(call.recordedMask == nil ? "no mask" : "a mask") for this call, unlike the mask propagation KerasLens follows")
        }
        guard !incoming.isEmpty else { return (call, []) }
        switch behaviour(layer.kerasClass) {
        case .consumes:
            guard call.inbound.count == 1 else { throw layer.error(.unsupported, "a masked input to a layer of several inputs is not supported") }
            call.inbound.append(incoming[0])
        case .attends:
            let sequences = call.inbound
            if kerasMajor >= 3 && layer.kerasClass == "MultiHeadAttention" {
                // Keras 3's call erases the masks of its query, value and key tensors: a layer reading one of them
                // after it would see no mask, one before it the mask, in an order Keras chooses. Only producers of
                // the call's other inputs (a key computed from the value) surely run before.
                for tensor in sequences where masks[tensor] != nil {
                    let others = (consumers[tensor] ?? []).subtracting([layer.name]).subtracting(sequences)
                    if let other = others.sorted().first {
                        throw layer.error(.unsupported, "its masked input '\(tensor)' is also read by '\(other)'; Keras 3's MultiHeadAttention erases that mask, so what '\(other)' receives depends on the order Keras runs them")
                    }
                }
            }
            for (input, tensor) in zip(Self.attending[layer.kerasClass] ?? [], sequences) {
                guard let mask = masks[tensor] else { continue }
                call.config.maskedInputs.append(input)
                call.inbound.append(mask)
            }
        case .refuses:
            throw layer.error(.unsupported, "it receives a Keras mask (from Embedding mask_zero or Masking), which KerasLens cannot apply to a \(layer.kerasClass) layer")
        case .passes, .drops:
            break
        }
        return (call, [])
    }

    /// Records the mask `node` (built from the prepared `call`) carries on, and which mask nodes `made` introduced.
    mutating func finish(_ node: Node, call: LayerCall, made: [Node]) {
        let layer = call.config
        switch layer.kerasClass {
        case "Masking":
            masks[node.name] = made.first?.name
            return
        case "Embedding":
            if let mask = made.first { masks[node.name] = mask.name }
            return
        default:
            break
        }
        guard let incoming = call.inbound.compactMap({ masks[$0] }).first else { return }
        switch (behaviour(layer.kerasClass), node.op) {
        case (.passes, _):
            masks[node.name] = incoming
        case (.consumes, .recurrent(let recurrence)) where recurrence.returnSequences:
            masks[node.name] = incoming
        case (.consumes, .merge), (.consumes, .concatenate):
            // The join of a lowered Bidirectional's directions carries on the mask they carry (over sequences).
            masks[node.name] = node.inputs.compactMap { masks[$0] }.first
        case (.attends, _):
            // Both Kerases give the output the query's mask (the query is the call's first tensor).
            masks[node.name] = masks[call.inbound[0]]
        case (.consumes, _), (.drops, _), (.refuses, _):
            break
        }
    }
}
