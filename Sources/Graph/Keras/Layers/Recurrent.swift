import KerasLensGraph

/// Keras's LSTM, GRU and SimpleRNN layers, run from a zero initial state. Dropout and `unroll` change nothing at
/// inference; options that would need state kept between calls or extra outputs are refused by name.
func recurrentBuilder(_ cell: RecurrentCell) -> LayerBuilder {
    { config, _ throws(GraphError) in
        let recurrence = try config.recurrence(cell)
        return BuiltLayer(op: .recurrent(recurrence),
                          weightNames: ["kernel", "recurrent_kernel"] + (try config.bool("use_bias", default: true) ? ["bias"] : []),
                          archiveFolders: ["cell"])
    }
}

extension LayerConfig {
    /// The recurrence a recurrent layer's configuration describes.
    func recurrence(_ cell: RecurrentCell) throws(GraphError) -> Recurrence {
        for option in ["return_state", "stateful", "time_major"] where try bool(option, default: false) {
            throw error(.unsupported, "\(option)=True is not supported (the layer runs once from a zero state and returns its output alone)")
        }
        let gated = cell != .simpleRNN
        // Standalone Keras ≤ 2.2 wrote no reset_after and meant false; tf-keras and Keras 3 write it. CuDNNGRU is
        // the reset_after form.
        let resetAfter = kerasClass == "CuDNNGRU" ? true : try bool("reset_after", default: kerasMajor >= 3)
        var recurrence = Recurrence(cell: cell, units: try int("units"),
                          activation: has("activation") ? try activation() : .tanh,
                          recurrentActivation: gated ? (has("recurrent_activation") ? try activation("recurrent_activation") : .sigmoid) : nil,
                          resetAfter: cell == .gru && resetAfter,
                          returnSequences: try bool("return_sequences", default: false),
                          goBackwards: try bool("go_backwards", default: false))
        recurrence.zeroOutputForMask = try bool("zero_output_for_mask", default: false)
        return recurrence
    }
}

/// Keras's Bidirectional around an LSTM, GRU or SimpleRNN. A merge mode over a backward layer that is the forward
/// layer reading the other way (Keras 3 always saves one, tf-keras when the user gave one) is one `recurrent` op,
/// which runs both directions in one kernel and exports as one ONNX op of direction `bidirectional`. `merge_mode`
/// None (two outputs) and a `backward_layer` of its own cell, units or options are lowered by the importer into
/// nodes of their own (`BidirectionalHalves`).
@Sendable func buildBidirectional(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    var merge: RecurrentMerge?
    if config.has("merge_mode") {
        let modeName = try config.string("merge_mode")
        guard let known = RecurrentMerge(rawValue: modeName) else {
            throw config.error(.unsupported, "merge_mode '\(modeName)' is not supported")
        }
        merge = known
    }
    let forward = try config.wrapped("layer")
    var recurrence = try config.bidirectionalHalf(forward, role: "its layer")
    let cuDNN = forward.kerasClass.hasPrefix("CuDNN")
    let useBias = cuDNN ? true : try forward.bool("use_bias", default: true)
    // Keras's Bidirectional sets its layers' zero_output_for_mask to return_sequences, whatever they were saved with.
    recurrence.zeroOutputForMask = recurrence.returnSequences
    var backwardRecurrence = recurrence
    backwardRecurrence.goBackwards = !recurrence.goBackwards
    var backwardBias = useBias
    var backwardClass = forward.kerasClass
    if config.has("backward_layer") {
        let backward = try config.wrapped("backward_layer")
        backwardRecurrence = try config.bidirectionalHalf(backward, role: "its backward_layer")
        backwardRecurrence.zeroOutputForMask = backwardRecurrence.returnSequences
        backwardBias = backward.kerasClass.hasPrefix("CuDNN") ? true : try backward.bool("use_bias", default: true)
        backwardClass = backward.kerasClass
        // The checks of Keras's Bidirectional (`_verify_layer_config`), which refuses such a layer.
        guard backwardRecurrence.goBackwards != recurrence.goBackwards else {
            throw config.error(.invalidConfig, "its layer and backward_layer read the same way (Keras requires different go_backwards)")
        }
        guard backwardRecurrence.returnSequences == recurrence.returnSequences else {
            throw config.error(.invalidConfig, "its layer and backward_layer differ in return_sequences (Keras requires them equal)")
        }
    }
    var mirrored = backwardRecurrence
    mirrored.goBackwards = recurrence.goBackwards
    let names = ["kernel", "recurrent_kernel"]
    let forwardNames = names + (useBias ? ["bias"] : [])
    let backwardNames = (names + (backwardBias ? ["bias"] : [])).map { Recurrence.weightName($0, backward: true) }
    let folders = ["forward_layer/cell", "backward_layer/cell"]
    if let merge, mirrored == recurrence, backwardBias == useBias, backwardClass == forward.kerasClass, !recurrence.goBackwards {
        recurrence.merge = merge
        return BuiltLayer(op: .recurrent(recurrence), weightNames: forwardNames + backwardNames, archiveFolders: folders,
                          convertStored: cuDNN ? cuDNNConversion(recurrence, layer: config) : nil)
    }
    if let merge, merge != .concat, backwardRecurrence.units != recurrence.units {
        throw config.error(.invalidConfig, "merge_mode \(merge.rawValue) joins outputs of equal size, but its layer has \(recurrence.units) units and its backward_layer \(backwardRecurrence.units) (Keras refuses it too)")
    }
    backwardRecurrence.flipsSequence = backwardRecurrence.returnSequences
    let halves = BidirectionalHalves(forward: recurrence, backward: backwardRecurrence, merge: merge,
                                     forwardWeights: forwardNames, backwardWeights: backwardNames)
    var built = BuiltLayer(op: .recurrent(recurrence), weightNames: forwardNames + backwardNames, archiveFolders: folders,
                           bidirectional: halves)
    // Each cuDNN layer's weights are converted with its own cell and units.
    var conversions: [@Sendable ([String: Tensor]) throws(GraphError) -> [String: Tensor]] = []
    if cuDNN { conversions.append(cuDNNConversion(recurrence, layer: config, directions: [false])) }
    if backwardClass.hasPrefix("CuDNN") { conversions.append(cuDNNConversion(backwardRecurrence, layer: config, directions: [true])) }
    if !conversions.isEmpty {
        built.convertStored = { [conversions]  (stored: [String: Tensor]) throws(GraphError) -> [String: Tensor] in
            var weights = stored
            for conversion in conversions { weights = try conversion(weights) }
            return weights
        }
    }
    return built
}

/// A Bidirectional that one `recurrent` op cannot express, for the importer to lower into a forward `recurrent`
/// node, a backward one (its sequence output flipped in time, `Recurrence.flipsSequence`) and, for a merge mode,
/// a node joining them. Weights: `forwardWeights` are the forward node's under their own names, `backwardWeights`
/// the backward node's under `backward_` names.
struct BidirectionalHalves: Sendable, Equatable {
    var forward: Recurrence
    var backward: Recurrence
    /// nil for merge_mode None: the layer's two outputs are the two nodes'.
    var merge: RecurrentMerge?
    var forwardWeights: [String]
    var backwardWeights: [String]
}

extension LayerConfig {
    /// The recurrence of one of a Bidirectional's layers (`role` names it in errors).
    func bidirectionalHalf(_ inner: LayerConfig, role: String) throws(GraphError) -> Recurrence {
        let cells: [String: RecurrentCell] = ["LSTM": .lstm, "GRU": .gru, "SimpleRNN": .simpleRNN,
                                              "CuDNNLSTM": .lstm, "CuDNNGRU": .gru]
        guard let cell = cells[inner.kerasClass] else {
            throw error(.unsupported, "Bidirectional around \(inner.kerasClass) is not supported (LSTM, GRU, SimpleRNN, CuDNNLSTM, CuDNNGRU only)")
        }
        do {
            return try inner.recurrence(cell)
        } catch {
            throw self.error(error.kind, "\(role): \(error.detail)")
        }
    }
}

extension LayerConfig {
    /// The configuration of a wrapper's inner layer saved under `key` (`{"class_name": …, "config": {…}}`).
    func wrapped(_ key: String) throws(GraphError) -> LayerConfig {
        guard let inner = values[key], let className = inner["class_name"]?.string, let values = inner["config"]?.object else {
            throw error(.invalidConfig, "option '\(key)' is not a layer configuration")
        }
        return LayerConfig(name: name, kerasClass: className, values: values, kerasMajor: kerasMajor)
    }
}
