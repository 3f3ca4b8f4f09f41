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

/// Keras's Bidirectional around an LSTM, GRU or SimpleRNN. Its backward layer (Keras 3 always saves one, tf-keras
/// when the user gave one) must be the forward layer reading the other way; `merge_mode=None`, which gives two
/// outputs, is refused.
@Sendable func buildBidirectional(_ config: LayerConfig, _ inputs: [[Int]]) throws(GraphError) -> BuiltLayer {
    let modeName = try config.string("merge_mode", default: "")
    guard config.has("merge_mode"), let merge = RecurrentMerge(rawValue: modeName) else {
        throw config.error(.unsupported, config.has("merge_mode") ? "merge_mode '\(modeName)' is not supported"
                                                                   : "merge_mode None (two outputs) is not supported")
    }
    let forward = try config.wrapped("layer")
    let cells: [String: RecurrentCell] = ["LSTM": .lstm, "GRU": .gru, "SimpleRNN": .simpleRNN,
                                          "CuDNNLSTM": .lstm, "CuDNNGRU": .gru]
    guard let cell = cells[forward.kerasClass] else {
        throw config.error(.unsupported, "Bidirectional around \(forward.kerasClass) is not supported (LSTM, GRU, SimpleRNN, CuDNNLSTM, CuDNNGRU only)")
    }
    let cuDNN = forward.kerasClass.hasPrefix("CuDNN")
    var recurrence: Recurrence
    do {
        recurrence = try forward.recurrence(cell)
    } catch {
        throw config.error(error.kind, "its layer: \(error.detail)")
    }
    let useBias = cuDNN ? true : try forward.bool("use_bias", default: true)
    if config.has("backward_layer") {
        let backward = try config.wrapped("backward_layer")
        let mirrored = try? backward.recurrence(cell)
        guard backward.kerasClass == forward.kerasClass, var mirrored, try backward.bool("use_bias", default: true) == useBias,
              mirrored.goBackwards != recurrence.goBackwards else {
            throw config.error(.unsupported, "a backward_layer that is not the forward layer reading backwards is not supported")
        }
        mirrored.goBackwards = recurrence.goBackwards
        mirrored.zeroOutputForMask = recurrence.zeroOutputForMask
        guard mirrored == recurrence else {
            throw config.error(.unsupported, "a backward_layer that is not the forward layer reading backwards is not supported")
        }
    }
    recurrence.merge = merge
    // Keras's Bidirectional sets its layers' zero_output_for_mask to return_sequences, whatever they were saved with.
    recurrence.zeroOutputForMask = recurrence.returnSequences
    let names = ["kernel", "recurrent_kernel"] + (useBias ? ["bias"] : [])
    return BuiltLayer(op: .recurrent(recurrence),
                      weightNames: names + names.map { Recurrence.weightName($0, backward: true) },
                      archiveFolders: ["forward_layer/cell", "backward_layer/cell"],
                      convertStored: cuDNN ? cuDNNConversion(recurrence, layer: config) : nil)
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
