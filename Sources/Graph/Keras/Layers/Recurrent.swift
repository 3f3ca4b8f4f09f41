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
        // Standalone Keras ≤ 2.2 wrote no reset_after and meant false; tf-keras and Keras 3 write it.
        let resetAfter = try bool("reset_after", default: kerasMajor >= 3)
        return Recurrence(cell: cell, units: try int("units"),
                          activation: has("activation") ? try activation() : .tanh,
                          recurrentActivation: gated ? (has("recurrent_activation") ? try activation("recurrent_activation") : .sigmoid) : nil,
                          resetAfter: cell == .gru && resetAfter,
                          returnSequences: try bool("return_sequences", default: false),
                          goBackwards: try bool("go_backwards", default: false))
    }
}
