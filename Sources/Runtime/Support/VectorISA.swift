import COpenBLAS
import Foundation

/// The vector instruction set the direct, Winograd and depthwise convolution kernels run on (`Sources/COpenBLAS/shim.h`
/// instantiates both for each). The best one the CPU has is used; tests run every one it has.
enum VectorISA: Sendable, CaseIterable, CustomStringConvertible {
    case avx512, avx2

    /// The best instruction set this CPU and OS support; nil without AVX2 and FMA (convolutions then use im2col and
    /// OpenBLAS). The environment variable `KERASLENS_ISA` (`avx2`, or `none` for im2col) caps it, so that the AVX2
    /// kernels can be timed on an AVX-512 machine (with `OPENBLAS_CORETYPE=Haswell` for OpenBLAS's part).
    static let best: VectorISA? = {
        switch ProcessInfo.processInfo.environment["KERASLENS_ISA"]?.lowercased() {
        case "none": nil
        case "avx2": available.contains(.avx2) ? .avx2 : nil
        default: available.first
        }
    }()

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
    /// Positions per register block of the direct kernel on a run of `positions` (`kl_run_block_<isa>`): chunks of
    /// positions made of whole such blocks leave none partly recomputed.
    func runBlock(_ positions: Int) -> Int {
        Int(self == .avx512 ? kl_run_block_avx512(Int32(positions)) : kl_run_block_avx2(Int32(positions)))
    }
    /// Filters per register block (two vectors): kernels pad their filter rows to a multiple of this.
    var filterBlock: Int { 2 * lanes }

    var description: String { self == .avx512 ? "AVX-512" : "AVX2" }

    typealias ConvRun = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Int32>?, Int32, Int32, Int32, UnsafePointer<Float>?,
                                        UnsafePointer<Float>?, Int32, Int32, UnsafeMutablePointer<Float>?, UnsafePointer<Float>?, Int32,
                                        Int32) -> Void
    typealias WinogradBand = @convention(c) (UnsafePointer<Float>?, Int32, Int32, Int32, UnsafePointer<Float>?, Int32, Int32, Int32,
                                             UnsafePointer<Float>?, Int32, Int32, UnsafeMutablePointer<Float>?, Int32, Int32,
                                             UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void

    typealias DepthwiseRun = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Int32>?, Int32, Int32, Int32, UnsafePointer<Float>?,
                                             UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int32, Int32) -> Void

    /// `kl_conv_run_<isa>`: one run of output positions of the direct kernel.
    var convRun: ConvRun { self == .avx512 ? kl_conv_run_avx512 : kl_conv_run_avx2 }
    /// `kl_winograd_band_<isa>`: a band of rows of Winograd tiles, for some of the filters.
    var winogradBand: WinogradBand { self == .avx512 ? kl_winograd_band_avx512 : kl_winograd_band_avx2 }
    /// `kl_depthwise_run_<isa>`: one run of output positions of the depthwise kernel.
    var depthwiseRun: DepthwiseRun { self == .avx512 ? kl_depthwise_run_avx512 : kl_depthwise_run_avx2 }
    typealias DepthwiseRows = @convention(c) (UnsafePointer<UnsafePointer<Float>?>?, Int32, Int32, Int32, Int32, Int32,
                                              UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int32,
                                              Int32) -> Int32
    /// `kl_depthwise_rows_<isa>`: the leading blocks of 8 and 4 of a run of an undilated layer 3 or 5 columns wide,
    /// stride 1 or 2, from its input rows in place.
    var depthwiseRows: DepthwiseRows { self == .avx512 ? kl_depthwise_rows_avx512 : kl_depthwise_rows_avx2 }
    typealias DepthwiseWindow = @convention(c) (UnsafePointer<UnsafePointer<Float>?>?, Int32, Int32, Int32, Int32, Int32,
                                                UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?,
                                                Int32) -> Void
    /// `kl_depthwise_window_<isa>`: one output position of an undilated layer, taps in the padding skipped.
    var depthwiseWindow: DepthwiseWindow { self == .avx512 ? kl_depthwise_window_avx512 : kl_depthwise_window_avx2 }

    typealias PoolPosition = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Int>?, Int32, Int, Int32, Float,
                                             UnsafeMutablePointer<Float>?, Int) -> Void
    /// `kl_pool_position_<isa>`: one output position of max or average pooling, four vectors of channels a step.
    var poolPosition: PoolPosition { self == .avx512 ? kl_pool_position_avx512 : kl_pool_position_avx2 }
    typealias PoolWinners = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Int>?, UnsafePointer<Int32>?, Int32, Int,
                                            UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void
    /// `kl_pool_winners_<isa>`: at one max-pooling output position, the tap each channel's gradient goes to.
    var poolWinners: PoolWinners { self == .avx512 ? kl_pool_winners_avx512 : kl_pool_winners_avx2 }
    typealias PoolBackwardRow = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<kl_pool_geometry>?,
                                                Int32, Int, UnsafeMutablePointer<Float>?, Int32, UnsafeMutablePointer<Float>?) -> Void
    /// `kl_pool_backward_row_<isa>`: pooling's input gradient, one input row gathered from the windows covering it.
    var poolBackwardRow: PoolBackwardRow { self == .avx512 ? kl_pool_backward_row_avx512 : kl_pool_backward_row_avx2 }

    typealias ConvGatherRow = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<kl_conv_geometry>?,
                                              Int32, UnsafeMutablePointer<Float>?, Int32) -> Void
    /// `kl_conv_gather_row_<isa>`: one input row of a few-channel convolution's input gradient (`GatheredAdjoint`).
    var convGatherRow: ConvGatherRow { self == .avx512 ? kl_conv_gather_row_avx512 : kl_conv_gather_row_avx2 }

    typealias DenseDots = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Float>?, Int32, Int32, Int32, Int32, Int32,
                                          UnsafeMutablePointer<Float>?, Int32) -> Void
    /// `kl_dense_dots_<isa>`: a dense layer's input gradient for a span of kernel rows, blocks of samples sharing a row.
    var denseDots: DenseDots { self == .avx512 ? kl_dense_dots_avx512 : kl_dense_dots_avx2 }

    typealias ActivationRun = @convention(c) (UnsafeMutablePointer<Float>?, Int64) -> Void
    /// `kl_sigmoid_<isa>`, `kl_tanh_<isa>`: the function over n floats in place, lane for lane `kl_sigmoid1`, `kl_tanh1`.
    var sigmoid: ActivationRun { self == .avx512 ? kl_sigmoid_avx512 : kl_sigmoid_avx2 }
    var tanh: ActivationRun { self == .avx512 ? kl_tanh_avx512 : kl_tanh_avx2 }
    /// `kl_swish_<isa>`: `x · σ(x)`, lane for lane `kl_swish1`.
    var swish: ActivationRun { self == .avx512 ? kl_swish_avx512 : kl_swish_avx2 }
    typealias GradientRun = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int64) -> Void
    /// `kl_swish_gradient_<isa>`: `gx += g · swish′(x)` over n floats.
    var swishGradient: GradientRun { self == .avx512 ? kl_swish_gradient_avx512 : kl_swish_gradient_avx2 }
    /// `kl_hard_silu_<isa>`, `kl_hard_silu_gradient_<isa>`: hard-swish and `gx += g · hard_silu′(x)`, lane for lane
    /// `HardSilu`.
    var hardSilu: ActivationRun { self == .avx512 ? kl_hard_silu_avx512 : kl_hard_silu_avx2 }
    var hardSiluGradient: GradientRun { self == .avx512 ? kl_hard_silu_gradient_avx512 : kl_hard_silu_gradient_avx2 }

    /// `groups` matrices of `rows × width` floats (`value(group, row, column)`), the columns zero-padded to a multiple
    /// of `filterBlock` (the returned stride) and packed in blocks of `filterBlock` columns,
    /// [group][block][row][filterBlock]: the kernels' weight layout, where one register block's weights are one
    /// contiguous stream instead of a `stride`-apart row per channel (which missed the cache and the TLB on layers
    /// with hundreds of filters).
    func packed(groups: Int = 1, rows: Int, width: Int, _ value: (_ group: Int, _ row: Int, _ column: Int) -> Float)
        -> (values: [Float], stride: Int) {
        let block = filterBlock, stride = (width + block - 1) / block * block
        var values = [Float](repeating: 0, count: groups * rows * stride)
        for group in 0..<groups {
            for column in 0..<width {
                let start = (group * stride + column / block * block) * rows + column % block
                for row in 0..<rows { values[start + row * block] = value(group, row, column) }
            }
        }
        return (values, stride)
    }
}
