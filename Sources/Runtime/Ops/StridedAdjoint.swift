import COpenBLAS
import KerasLensGraph

/// The input gradient of a strided convolution, `∂L/∂input += col2im(∂L/∂output · kernelᵀ)`: a strided layer has no
/// convolution as adjoint (`DirectConvolution.adjoint`), so its output gradient rows are multiplied by the kernel's
/// transpose on the direct vector kernel (packed once; a matrix product call packed megabytes of weights on every
/// call) and the patch rows added back onto the input. The work is spread over the cores, one image too: windows
/// that cannot overlap (ResNet's strided 1×1 layers) run in chunks of positions split by columns like a 1×1
/// layer's forward pass; overlapping ones (a 7×7 stride-2 stem) in bands of output rows, every other band at a time,
/// so bands running together never add onto the same input row.
struct StridedAdjoint: Sendable {
    let geometry: ConvGeometry
    /// `kernelᵀ` as a 1×1 layer from the `filters` output channels to the `patchSize` patch columns.
    let products: DirectConvolution
    let filters: Int
    /// Output rows per band when windows overlap, nil when they cannot.
    let bandRows: Int?

    /// nil for a stride-1 convolution (it has a convolution as adjoint).
    init?(of g: ConvGeometry, kernel: [Float], filters: Int, isa: VectorISA) {
        guard g.strideHeight > 1 || g.strideWidth > 1 else { return nil }
        geometry = g
        self.filters = filters
        let columns = g.patchSize
        var transposed = [Float](repeating: 0, count: kernel.count)
        for column in 0..<columns {
            for f in 0..<filters { transposed[f * columns + column] = kernel[column * filters + f] }
        }
        let pointwise = Window(size: [1], strides: [1], dilations: [1], padding: .valid)
        products = DirectConvolution(geometry: ConvGeometry(window: pointwise, input: [1, filters], output: [1, columns]),
                                     kernel: transposed, filters: columns, isa: isa)
        // Input rows that consecutive output rows' windows share; bands of `rows` rows leave the band after next
        // clear when `rows × stride` covers them.
        let shared = (g.kernelHeight - 1) * g.dilationHeight + 1 - g.strideHeight
        let sharedColumns = (g.kernelWidth - 1) * g.dilationWidth + 1 - g.strideWidth
        if shared <= 0 && sharedColumns <= 0 {
            bandRows = nil
        } else {
            let fewest = max(1, (max(shared, 0) + g.strideHeight - 1) / g.strideHeight)
            bandRows = max(fewest, 16_384 / max(1, g.outWidth * columns))
        }
    }

    /// A run of output positions (numbered across the batch) and the patch columns it adds.
    private struct Task {
        var positions: Range<Int>
        var columns: Range<Int>
    }

    /// `gx += col2im(outputGradient · kernelᵀ)` for `batch` samples.
    func add(_ outputGradient: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>, batch: Int) {
        let g = geometry, columns = g.patchSize
        for phase in phases(batch: batch) {
            let most = phase.map(\.positions.count).max() ?? 0
            // About 256 KB of patch rows per kernel call, in whole register blocks.
            let block = products.isa.block, chunk = min(most, max(block, 65_536 / max(1, columns) / block * block))
            Parallel.forEachRange(phase.count, cost: most * columns * filters) { range in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: chunk * columns)
                defer { scratch.deallocate() }
                for task in phase[range] {
                    for first in stride(from: task.positions.lowerBound, to: task.positions.upperBound, by: chunk) {
                        let positions = first..<min(first + chunk, task.positions.upperBound)
                        products.runPatches(outputGradient + first * filters, count: positions.count, filters: columns,
                                            filterRange: task.columns, bias: nil, residual: nil, store: Int32(KL_STORE_SUMS),
                                            into: scratch)
                        addPatches(scratch, positions: positions, columns: task.columns.clamped(to: 0..<columns), into: gx)
                    }
                }
            }
        }
    }

    /// Groups of tasks that may run at the same time, in order.
    private func phases(batch: Int) -> [[Task]] {
        let g = geometry
        guard let bandRows else {
            // About 512 KB of gradient rows per chunk: one image's deep layers (49 positions of 2,048 channels) in
            // one chunk split by columns, so each core streams only its share of the weights, once.
            let chunks = RowChunks(rows: batch * g.positions, block: products.isa.runBlock(batch * g.positions),
                                   most: max(4 * products.isa.block, 131_072 / max(1, filters)))
            let parts = FilterParts(tasks: chunks.count, filters: g.patchSize, isa: products.isa)
            return [(0..<(chunks.count * parts.count)).map { Task(positions: chunks.range($0 / parts.count), columns: parts.range($0 % parts.count)) }]
        }
        let bands = (g.outHeight + bandRows - 1) / bandRows
        return (0..<min(2, bands)).map { phase in
            (0..<batch).flatMap { sample in
                stride(from: phase, to: bands, by: 2).map { band in
                    let first = sample * g.positions + band * bandRows * g.outWidth
                    return Task(positions: first..<(first + min(bandRows, g.outHeight - band * bandRows) * g.outWidth),
                                columns: 0..<g.patchSize)
                }
            }
        }
    }

    /// Adds columns `columns` of the patch rows of `positions` (numbered across the batch; rows `patchSize` floats
    /// apart from `patches`) back onto the input positions they were read from.
    private func addPatches(_ patches: UnsafePointer<Float>, positions: Range<Int>, columns: Range<Int>,
                            into gx: UnsafeMutablePointer<Float>) {
        let g = geometry
        if columns == 0..<g.patchSize {
            // Whole patch rows (bands): `col2imAdd`'s contiguous runs, one sample at a time.
            var position = positions.lowerBound
            while position < positions.upperBound {
                let sample = position / g.positions, first = position % g.positions
                let count = min(positions.upperBound - position, g.positions - first)
                g.col2imAdd(patches + (position - positions.lowerBound) * g.patchSize, positions: first..<(first + count),
                            into: gx + sample * g.inputCount)
                position += count
            }
            return
        }
        for position in positions {
            let sample = position / g.positions, y = position % g.positions / g.outWidth, x = position % g.outWidth
            let row = patches + (position - positions.lowerBound) * g.patchSize, target = gx + sample * g.inputCount
            g.forEachTap(y: y, x: x) { tap, offset in
                let low = max(columns.lowerBound, tap * g.channels), high = min(columns.upperBound, (tap + 1) * g.channels)
                guard low < high else { return }
                let from = row + low, to = target + offset + (low - tap * g.channels)
                for i in 0..<(high - low) { to[i] += from[i] }
            }
        }
    }
}
