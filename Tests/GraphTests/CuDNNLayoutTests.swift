@testable import KerasLensGraph
@testable import KerasLensKeras
import Testing

/// cuDNN's weight layout against tf-keras's own conversion, written as it is there: per gate,
/// `kernel.T.reshape(kernel.shape, order='F')` for input kernels, `kernel.T` for recurrent kernels, and the input and
/// recurrent biases as two rows (the file `sequence/cudnn.k2.h5` checks the whole layer against Keras).
@Suite struct CuDNNLayoutTests {
    static let layer = LayerConfig(name: "cudnn", kerasClass: "CuDNNLSTM", values: [:], kerasMajor: 2)

    /// NumPy's `block.T.reshape((rows, cols), order='F')` for a row-major [rows, cols] block.
    static func transposedFortranReshape(_ block: [Float], rows: Int, cols: Int) -> [Float] {
        let transposed = { (a: Int, b: Int) in block[b * cols + a] }   // block.T[a, b], a < cols, b < rows
        // Fortran order: the first index runs fastest.
        let fortranReading = (0..<(rows * cols)).map { k in transposed(k % cols, k / cols) }
        // Filling [rows, cols] in Fortran order: element k goes to row k % rows, column k / rows.
        var result = [Float](repeating: 0, count: rows * cols)
        for (k, value) in fortranReading.enumerated() { result[(k % rows) * cols + k / rows] = value }
        return result
    }

    static func block(_ tensor: Tensor, gate: Int, units: Int) -> [Float] {
        let (rows, columns) = (tensor.shape[0], tensor.shape[1])
        return (0..<rows).flatMap { i in (0..<units).map { j in tensor.scalars[i * columns + gate * units + j] } }
    }

    @Test(arguments: [RecurrentCell.lstm, .gru]) func inputKernelsAreReshapedPerGate(_ cell: RecurrentCell) throws {
        let (inputs, units) = (3, 2)
        let columns = cell.gateCount * units
        let stored = Tensor(shape: [inputs, columns], scalars: (0..<(inputs * columns)).map(Float.init))
        let converted = try CuDNNLayout(cell: cell, units: units).kernel(stored, layer: Self.layer)
        #expect(converted.shape == [inputs, columns])
        for gate in 0..<cell.gateCount {
            let expected = Self.transposedFortranReshape(Self.block(stored, gate: gate, units: units), rows: inputs, cols: units)
            #expect(Self.block(converted, gate: gate, units: units) == expected)
        }
    }

    @Test func recurrentKernelsAreTransposedPerGate() throws {
        let units = 3
        let stored = Tensor(shape: [units, 4 * units], scalars: (0..<(12 * units)).map(Float.init))
        let converted = try CuDNNLayout(cell: .lstm, units: units).recurrentKernel(stored, layer: Self.layer)
        for gate in 0..<4 {
            let block = Self.block(stored, gate: gate, units: units)
            let transposed = (0..<units).flatMap { i in (0..<units).map { j in block[j * units + i] } }
            #expect(Self.block(converted, gate: gate, units: units) == transposed)
        }
    }

    @Test func biasesAreTwoRows() throws {
        let lstm = try CuDNNLayout(cell: .lstm, units: 1).bias(Tensor(shape: [8], scalars: [1, 2, 3, 4, 10, 20, 30, 40]), layer: Self.layer)
        #expect(lstm == Tensor(shape: [2, 4], scalars: [1, 2, 3, 4, 10, 20, 30, 40]))
        let gru = try CuDNNLayout(cell: .gru, units: 1).bias(Tensor(shape: [6], scalars: [1, 2, 3, 4, 5, 6]), layer: Self.layer)
        #expect(gru == Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(throws: GraphError.self) {
            try CuDNNLayout(cell: .lstm, units: 1).bias(Tensor(shape: [4], scalars: [1, 2, 3, 4]), layer: Self.layer)
        }
    }
}
