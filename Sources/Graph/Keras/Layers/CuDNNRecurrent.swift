import KerasLensGraph

/// Keras 2's CuDNNLSTM and CuDNNGRU (files trained on GPUs): an LSTM, and a GRU with `reset_after`, whose activations
/// are tanh and the plain sigmoid. Their weights are stored as cuDNN reads them and converted on reading, as tf-keras's
/// `_convert_rnn_weights` converts them when it loads such a file into an LSTM or GRU.
func cuDNNBuilder(_ cell: RecurrentCell) -> LayerBuilder {
    { config, _ throws(GraphError) in
        let recurrence = try config.recurrence(cell)
        return BuiltLayer(op: .recurrent(recurrence), weightNames: ["kernel", "recurrent_kernel", "bias"],
                          convertStored: cuDNNConversion(recurrence, layer: config))
    }
}

/// The conversion of each direction's stored weights (`kernel`, `backward_kernel`, …) from cuDNN's layout to Keras's;
/// `directions` (false forwards, true backwards) when only some of a Bidirectional's layers are cuDNN layers.
func cuDNNConversion(_ recurrence: Recurrence, layer: LayerConfig,
                     directions: [Bool]? = nil) -> @Sendable ([String: Tensor]) throws(GraphError) -> [String: Tensor] {
    { stored throws(GraphError) in
        var weights = stored
        for backward in directions ?? recurrence.directions {
            let name = { (weight: String) in Recurrence.weightName(weight, backward: backward) }
            guard let kernel = stored[name("kernel")], let recurrent = stored[name("recurrent_kernel")],
                  let bias = stored[name("bias")] else {
                throw layer.error(.weights, "a cuDNN layer stores a kernel, a recurrent kernel and a bias")
            }
            let layout = CuDNNLayout(cell: recurrence.cell, units: recurrence.units)
            weights[name("kernel")] = try layout.kernel(kernel, layer: layer)
            weights[name("recurrent_kernel")] = try layout.recurrentKernel(recurrent, layer: layer)
            weights[name("bias")] = try layout.bias(bias, layer: layer)
        }
        return weights
    }
}

/// How cuDNN lays out a recurrent layer's weights: per gate, the [units, inputs] matrix it multiplies, written row
/// by row into Keras's [inputs, units] column block, and separate input and recurrent biases [2 · gates · units].
struct CuDNNLayout {
    let cell: RecurrentCell
    let units: Int

    private var columns: Int { cell.gateCount * units }

    /// Gate block g: Keras's kernel[i, g·u + j] is cuDNN's matrix element (j, i), stored at flat offset j·inputs + i
    /// of the block read row-major as [inputs, units].
    func kernel(_ stored: Tensor, layer: LayerConfig) throws(GraphError) -> Tensor {
        guard stored.shape.count == 2, stored.shape[1] == columns else {
            throw layer.error(.weights, "kernel has shape \(stored.shape), expected [inputs, \(columns)]")
        }
        let inputs = stored.shape[0]
        return regrouped(stored, rows: inputs) { i, j in
            let flat = j * inputs + i
            return (flat / units, flat % units)
        }
    }

    /// Gate block g: Keras's recurrent_kernel[i, g·u + j] is the stored block's element (j, i).
    func recurrentKernel(_ stored: Tensor, layer: LayerConfig) throws(GraphError) -> Tensor {
        guard stored.shape == [units, columns] else {
            throw layer.error(.weights, "recurrent_kernel has shape \(stored.shape), expected [\(units), \(columns)]")
        }
        return regrouped(stored, rows: units) { i, j in (j, i) }
    }

    /// The input and recurrent biases, kept as two rows (which Keras counts as parameters; an LSTM adds them).
    func bias(_ stored: Tensor, layer: LayerConfig) throws(GraphError) -> Tensor {
        guard stored.shape == [2 * columns] else {
            throw layer.error(.weights, "bias has shape \(stored.shape), expected [\(2 * columns)] (input and recurrent biases)")
        }
        return Tensor(shape: [2, columns], scalars: stored.scalars)
    }

    /// A [rows, columns] tensor whose element (i, g·u + j) is the stored element (source(i, j)) of gate block g.
    private func regrouped(_ stored: Tensor, rows: Int, source: (Int, Int) -> (row: Int, column: Int)) -> Tensor {
        var scalars = [Float](repeating: 0, count: rows * columns)
        for gate in 0..<cell.gateCount {
            for i in 0..<rows {
                for j in 0..<units {
                    let (row, column) = source(i, j)
                    scalars[i * columns + gate * units + j] = stored.scalars[row * columns + gate * units + column]
                }
            }
        }
        return Tensor(shape: [rows, columns], scalars: scalars)
    }
}
