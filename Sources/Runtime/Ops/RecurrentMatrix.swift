import KerasLensGraph

/// One weight matrix of a recurrent layer, ready for `output[r] = bias + input[r] · matrix` over a block of rows.
///
/// Every row is summed in one fixed order whatever the number of rows, so a sample's result does not depend on the
/// block (or batch) it is in: with AVX2 or AVX-512 the product runs through the direct kernel's 1×1 form (each
/// output a chain of FMAs over the inner index, in order); without, one OpenBLAS product per row. OpenBLAS's sgemm
/// over many rows would sum a row in an order that depends on the row count. One row per sample and step is a
/// matrix–vector product bound by latency; a block of rows keeps the vector units busy (profiled: an LSTM(128)
/// spent 40 % of its time in one-row sgemm calls).
struct RecurrentMatrix: Sendable {
    /// Rows of the matrix (the length of an input row) and columns (of an output row).
    let inner: Int
    let width: Int
    let isa: VectorISA?
    /// Packed for the direct kernel with `isa`; row-major [inner, width] without.
    private let values: [Float]

    /// The matrix whose element (row, column) is `value(row, column)`.
    init(inner: Int, width: Int, isa: VectorISA?, _ value: (_ row: Int, _ column: Int) -> Float) {
        self.inner = inner
        self.width = width
        self.isa = isa
        if let isa {
            values = isa.packed(rows: inner, width: width) { _, row, column in value(row, column) }.values
        } else {
            values = (0..<(inner * width)).map { value($0 / width, $0 % width) }
        }
    }

    /// Row-major [inner, width] `matrix`.
    init(_ matrix: [Float], inner: Int, width: Int, isa: VectorISA?) {
        self.init(inner: inner, width: width, isa: isa) { row, column in matrix[row * width + column] }
    }

    /// The transpose of row-major [width, inner] `matrix`, for the products of a backward pass (∂L/∂x = g · Wᵀ).
    init(transposing matrix: [Float], inner: Int, width: Int, isa: VectorISA?) {
        self.init(inner: inner, width: width, isa: isa) { row, column in matrix[column * inner + row] }
    }

    /// `output[r] = bias + input[r·rowStride ..< r·rowStride + inner] · matrix` for r in 0..<rows, `output` rows
    /// `width` apart (bias nil: from zero).
    func multiply(_ input: UnsafePointer<Float>, rowStride: Int, bias: [Float]? = nil, into output: UnsafeMutablePointer<Float>,
                  rows: Int) {
        guard rows > 0 else { return }
        values.withUnsafeBufferPointer { values in
            withOptionalPointer(bias) { bias in
                let values = values.baseAddress!
                if let isa {
                    let tap: Int32 = 0
                    withUnsafePointer(to: tap) { tap in
                        isa.convRun(input, tap, 1, Int32(inner), Int32(rowStride), values, bias, Int32(width), Int32(width), output, nil,
                                    Int32(rows), 0)
                    }
                    return
                }
                for row in 0..<rows {
                    let out = output + row * width
                    if let bias { out.update(from: bias, count: width) }
                    BLAS.multiply(input + row * rowStride, values, into: out, m: 1, n: width, k: inner, accumulate: bias != nil)
                }
            }
        }
    }
}
