import COpenBLAS
import KerasLensGraph

/// `y = activation(x · kernel + bias)` over the last axis.
///
/// Every row is summed in one fixed order, whatever the number of rows in the call, so a sample's result does not
/// depend on the batch it came in: with AVX2 or AVX-512 through the direct convolution kernel in its 1×1 form (one
/// tap; each output starts at its bias and adds the inputs in channel order) and backward through dot products
/// (`kl_dense_dots`), else through one sgemm per sample (OpenBLAS sums a row in an order that depends on the
/// product's row count, which is then the same for every sample).
struct DenseKernel: Kernel {
    /// Keras's kernel [in, out], for sgemm and the backward pass.
    let kernel: [Float]
    /// The kernel packed for `isa` (`VectorISA.packed`); empty without one.
    let packed: [Float]
    let isa: VectorISA?
    let bias: [Float]?
    let inFeatures: Int
    let outFeatures: Int
    let rowsPerSample: Int
    let activation: Activation

    /// `isa`: the instruction set of the vector kernels, nil for sgemm per sample; `packs`, the model's packed
    /// kernels its plans share (nil: packed for this kernel alone).
    init(node: Node, shapes: KernelShapes, activation: Activation, isa: VectorISA? = VectorISA.best, packs: DensePacks? = nil) {
        let weights = node.weights["kernel"]!
        let (inFeatures, outFeatures) = (weights.shape[0], weights.shape[1])
        kernel = weights.scalars
        packed = isa.map { isa in
            packs?.packed(weights.scalars, rows: inFeatures, width: outFeatures, isa: isa)
                ?? DensePacks.pack(weights.scalars, rows: inFeatures, width: outFeatures, isa: isa)
        } ?? []
        self.isa = isa
        bias = node.weights["bias"]?.scalars
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        rowsPerSample = shapes.input.dropLast().reduce(1, *)
        self.activation = activation
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        guard let isa else { return forwardPerSample(inputs[0], output, batch: batch) }
        let run = isa.convRun, store = activation.registerStore ?? Int32(KL_STORE_SUMS)
        let rows = batch * rowsPerSample
        // row chunks of at least one register block, a few per core; one image's classifier is split by filters
        let chunks = max(1, min(rows / isa.block, 2 * Parallel.workers))
        let parts = FilterParts(tasks: chunks, filters: outFeatures, isa: isa)
        let tap: [Int32] = [0]
        tap.withUnsafeBufferPointer { tap in
            packed.withUnsafeBufferPointer { weights in
                withOptionalPointer(bias) { bias in
                    Parallel.forEachRange(chunks * parts.count, cost: (rows + chunks - 1) / chunks * inFeatures * parts.width) { tasks in
                        for task in tasks {
                            let chunk = task / parts.count, filterRange = parts.range(task % parts.count)
                            let first = chunk * rows / chunks, count = (chunk + 1) * rows / chunks - first
                            let result = output + first * outFeatures, begin = filterRange.lowerBound
                            run(inputs[0] + first * inFeatures, tap.baseAddress!, 1, Int32(inFeatures), Int32(inFeatures),
                                weights.baseAddress! + begin * inFeatures, bias.map { $0 + begin },
                                Int32(min(filterRange.upperBound, outFeatures) - begin), Int32(outFeatures), result + begin,
                                nil, Int32(count), store)
                            if activation.registerStore == nil, parts.tasksStoreWholeRows {
                                finishRows(result, rows: count, channels: outFeatures, bias: nil, activation: activation)
                            }
                        }
                    }
                }
            }
        }
        parts.finishSplitRows(output, rows: rows, channels: outFeatures, activation: activation)
    }

    /// One sgemm per sample: OpenBLAS's summation order then never depends on the batch. Samples of one row (a
    /// classifier's) take matrix-vector products instead (`featureChunkProducts`).
    private func forwardPerSample(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, batch: Int) {
        kernel.withUnsafeBufferPointer { kernel in
            if rowsPerSample == 1 {
                featureChunkProducts(input, kernel.baseAddress!, into: output, batch: batch)
                return finishRows(output, rows: batch, channels: outFeatures, bias: bias, activation: activation)
            }
            Parallel.forEachRange(batch, cost: rowsPerSample * inFeatures * outFeatures) { samples in
                for sample in samples {
                    let first = sample * rowsPerSample, result = output + first * outFeatures
                    BLAS.multiply(input + first * inFeatures, kernel.baseAddress!, into: result,
                                  m: rowsPerSample, n: outFeatures, k: inFeatures)
                    finishRows(result, rows: rowsPerSample, channels: outFeatures, bias: bias, activation: activation)
                }
            }
        }
    }

    /// Input features per partial product of a one-row sample (`featureChunkProducts`): about 4 MB of the kernel, at
    /// least 64 rows of it. The layer's shape alone fixes it, so each sum runs in one order whatever the batch or cores.
    private var featureChunk: Int { max(64, (1 << 20) / max(1, outFeatures)) }

    /// `y = x · kernel` for samples of one row, the kernel's rows cut into chunks of `featureChunk` input features
    /// whose partial products (spread over the cores) are then added in order. Each chunk reads its rows of the kernel
    /// as one contiguous stream; strips of 64 columns, the split before, read 256 bytes of every 16 KB row of VGG16's
    /// 411 MB `fc1` and ran it at two thirds of the memory's speed.
    private func featureChunkProducts(_ input: UnsafePointer<Float>, _ kernel: UnsafePointer<Float>,
                                      into output: UnsafeMutablePointer<Float>, batch: Int) {
        let chunk = featureChunk, chunks = (inFeatures + chunk - 1) / chunk
        let partials = chunks == 1 ? output : .allocate(capacity: batch * chunks * outFeatures)
        defer { if chunks > 1 { partials.deallocate() } }
        Parallel.forEachRange(batch * chunks, cost: min(chunk, inFeatures) * outFeatures) { tasks in
            for task in tasks {
                let first = task % chunks * chunk
                BLAS.multiplyRow(input + task / chunks * inFeatures + first, kernel + first * outFeatures,
                                 into: partials + task * outFeatures, columns: 0..<outFeatures, n: outFeatures,
                                 k: min(chunk, inFeatures - first))
            }
        }
        guard chunks > 1 else { return }
        for sample in 0..<batch {
            let sums = output + sample * outFeatures, parts = partials + sample * chunks * outFeatures
            sums.update(from: parts, count: outFeatures)
            for part in 1..<chunks {
                let values = parts + part * outFeatures
                for j in 0..<outFeatures { sums[j] += values[j] }
            }
        }
    }

    /// Runs `body(sample, entries)` over each sample's `columns` input-gradient entries in ranges of 64 (a few per
    /// core; each range's rows of the kernel lie together): VGG16's first classifier layer holds 411 MB of weights,
    /// which one core alone reads at a fraction of the memory's speed.
    private func rowProducts(batch: Int, columns: Int, _ body: (Int, Range<Int>) -> Void) {
        let ranges = (columns + 63) / 64
        Parallel.forEachRange(batch * ranges, cost: 64 * inFeatures * outFeatures / columns) { tasks in
            for task in tasks {
                let first = task % ranges * 64
                body(task / ranges, first..<min(columns, first + 64))
            }
        }
    }
}

extension DenseKernel: FirstInputGradientStoring {
    /// `gx += g · kernelᵀ` (the activation's derivative has been applied to `g`).
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        propagate(outputGradient, into: inputGradients[0], batch: batch, adding: true)
    }

    /// The dot products write every value of the input's gradient.
    var storesFirstInputGradient: Bool { isa != nil }

    func backwardStoringFirstInputGradient(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>,
                                           _ outputGradient: UnsafePointer<Float>,
                                           _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int, trace: AnyObject?) {
        propagate(outputGradient, into: inputGradients[0], batch: batch, adding: false)
    }

    /// `gx (+)= g · kernelᵀ`: with a vector instruction set as dot products of each row of `g` with the kernel's rows
    /// (`kl_dense_dots`), a span of kernel rows at a time read once per block of samples, the spans spread over the
    /// cores; else (adding only) one sgemv or sgemm per sample as forward, split by input features for one-row samples.
    private func propagate(_ outputGradient: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>?, batch: Int,
                           adding: Bool) {
        guard let gx else { return }
        if let isa { return dots(outputGradient, into: gx, rows: batch * rowsPerSample, adding: adding, isa: isa) }
        precondition(adding, "only the dot products store")
        kernel.withUnsafeBufferPointer { kernel in
            if rowsPerSample == 1 {
                return rowProducts(batch: batch, columns: inFeatures) { sample, columns in
                    BLAS.multiplyRow(outputGradient + sample * outFeatures, kernel.baseAddress!, into: gx + sample * inFeatures,
                                     columns: columns, n: inFeatures, k: outFeatures, accumulate: true, transposeB: true)
                }
            }
            for sample in 0..<batch {
                let first = sample * rowsPerSample
                BLAS.multiply(outputGradient + first * outFeatures, kernel.baseAddress!, into: gx + first * inFeatures,
                              m: rowsPerSample, n: inFeatures, k: outFeatures, accumulate: true, transposeB: true)
            }
        }
    }

    /// The dot products over spans of about 256 KB of kernel rows (an even number, at least two): a span stays in
    /// L2 while every block of samples reads it.
    private func dots(_ outputGradient: UnsafePointer<Float>, into gx: UnsafeMutablePointer<Float>, rows: Int, adding: Bool,
                      isa: VectorISA) {
        let span = max(2, 65_536 / max(1, outFeatures) / 2 * 2), spans = (inFeatures + span - 1) / span, run = isa.denseDots
        kernel.withUnsafeBufferPointer { kernel in
            Parallel.forEachRange(spans, cost: span * outFeatures * rows) { tasks in
                for task in tasks {
                    run(outputGradient, kernel.baseAddress, Int32(outFeatures), Int32(inFeatures), Int32(task * span),
                        Int32(min(inFeatures, (task + 1) * span)), Int32(rows), gx, adding ? 1 : 0)
                }
            }
        }
    }
}

/// Adds the bias to each row and applies the layer's activation over the channels (softmax included).
func finishRows(_ values: UnsafeMutablePointer<Float>, rows: Int, channels: Int, bias: [Float]?, activation: Activation) {
    if let bias {
        bias.withUnsafeBufferPointer { bias in
            let bias = bias.baseAddress!
            // Bias and ReLU in one sweep: the rows were just written by the matrix product and are still in cache.
            if activation == .relu {
                for row in 0..<rows {
                    let line = values + row * channels
                    for c in 0..<channels { line[c] = max(line[c] + bias[c], 0) }
                }
            } else {
                for row in 0..<rows {
                    let line = values + row * channels
                    for c in 0..<channels { line[c] += bias[c] }
                }
            }
        }
        if activation == .relu { return }
    }
    // Rows of channels: a per-axis activation (which a plan fuses only over the channels) runs along axis 1.
    activation.replacingAxis(with: 1).apply(values, shape: [rows, channels])
}
