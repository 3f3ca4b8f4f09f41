import COpenBLAS

/// The vector instruction set the direct and Winograd convolution kernels run on (`Sources/COpenBLAS/shim.h`
/// instantiates both for each). The best one the CPU has is used; tests run every one it has.
enum VectorISA: Sendable, CaseIterable, CustomStringConvertible {
    case avx512, avx2

    /// The best instruction set this CPU and OS support; nil without AVX2 and FMA (convolutions then use im2col and
    /// OpenBLAS).
    static let best: VectorISA? = available.first

    /// Every instruction set this CPU and OS support, best first.
    static let available: [VectorISA] = allCases.filter(\.isSupported)

    private var isSupported: Bool {
        switch self {
        case .avx512: kl_has_avx512() != 0
        case .avx2: kl_has_avx2() != 0
        }
    }

    /// Floats per vector.
    var lanes: Int { Int(self == .avx512 ? kl_lanes_avx512 : kl_lanes_avx2) }
    /// Output positions (or Winograd tiles) per register block.
    var block: Int { Int(self == .avx512 ? kl_block_avx512 : kl_block_avx2) }
    /// Filters per register block (two vectors): kernels pad their filter rows to a multiple of this.
    var filterBlock: Int { 2 * lanes }

    var description: String { self == .avx512 ? "AVX-512" : "AVX2" }

    typealias ConvRun = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Int32>?, Int32, Int32, Int32, UnsafePointer<Float>?,
                                        Int32, UnsafePointer<Float>?, Int32, UnsafeMutablePointer<Float>?, Int32, Int32) -> Void
    typealias WinogradRow = @convention(c) (UnsafePointer<Float>?, Int32, Int32, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?,
                                            Int32, Int32, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, Int32,
                                            UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void

    /// `kl_conv_run_<isa>`: one run of output positions of the direct kernel.
    var convRun: ConvRun { self == .avx512 ? kl_conv_run_avx512 : kl_conv_run_avx2 }
    /// `kl_winograd_row_<isa>`: one row of Winograd tiles.
    var winogradRow: WinogradRow { self == .avx512 ? kl_winograd_row_avx512 : kl_winograd_row_avx2 }

    /// `count` rows of `width` floats, each zero-padded to a multiple of `filterBlock`: the kernels' weight layout.
    func padded(rows count: Int, width: Int, _ value: (_ row: Int, _ column: Int) -> Float) -> (values: [Float], stride: Int) {
        let stride = (width + filterBlock - 1) / filterBlock * filterBlock
        var values = [Float](repeating: 0, count: count * stride)
        for row in 0..<count {
            for column in 0..<width { values[row * stride + column] = value(row, column) }
        }
        return (values, stride)
    }
}
