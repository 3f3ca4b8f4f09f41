import Foundation
import KerasLensGraph

/// Keras's MultiHeadAttention, Attention and AdditiveAttention over each sample's [time, features] inputs.
///
/// Per sample (and per head): scores [Tq, Tv], a softmax over the key positions (only j ≤ i when causal), then
/// `weights · value`. Every matrix product is one sgemm per sample and head, so a sample's result does not depend
/// on the batch it comes in. Multi-head attention projects each head with its own slice of the kernels, prepared
/// once as contiguous [features, width] matrices, and sums the heads' output projections head by head. The backward
/// pass replays a sample's forward pass, one head at a time. Keras masks (inputs after the sequences, [time, 1] of
/// 0s and 1s) hide scores as `Attention` describes; the softmax and tanh are the Runtime's own activations.
struct AttentionKernel: Kernel {
    let attention: Attention
    let queryLength: Int
    let keyLength: Int
    let queryFeatures: Int
    let valueFeatures: Int
    let keyFeatures: Int
    /// Whether a separate key is input 2 (else the value is the key).
    let separateKey: Bool
    /// The input index of the query's, value's and key's masks, when masked.
    let maskInputs: [AttentionMaskedInput: Int]
    /// What a hidden score becomes (causal scores without masks are lowered by 1e9, as both Kerases do).
    let hidden: HiddenScore
    let outputWidth: Int
    /// Dot and concat scores: the scalar `scale` (1 without); concat: `concat_score_weight`.
    let scale: Float
    let concatWeight: Float
    /// Additive scores: `scale` per feature (ones without).
    let featureScale: [Float]
    /// Multi-head attention: per head, the query, key and value kernels [features, width] and biases [width].
    let projections: [[HeadProjection]]
    /// [heads, valueDim, outputs]: head h's [valueDim, outputs] block is its output projection.
    let outputKernel: [Float]
    let outputBias: [Float]?

    struct HeadProjection {
        var kernel: [Float]
        var bias: [Float]?
    }

    init(node: Node, attention: Attention, shapes: KernelShapes) {
        self.attention = attention
        queryLength = shapes.inputs[0][0]
        queryFeatures = shapes.inputs[0][1]
        keyLength = shapes.inputs[1][0]
        valueFeatures = shapes.inputs[1][1]
        let sequences = attention.sequenceCount(inputs: shapes.inputs.count)
        separateKey = sequences == 3
        var maskInputs: [AttentionMaskedInput: Int] = [:]
        for (index, input) in (attention.masks?.inputs ?? []).enumerated() { maskInputs[input] = sequences + index }
        self.maskInputs = maskInputs
        hidden = attention.masks?.hidden ?? .lowered(by: 1e9)
        keyFeatures = shapes.inputs[separateKey ? 2 : 1][1]
        outputWidth = shapes.output.dropFirst().reduce(1, *)
        let scaleWeight = node.weights["scale"]?.scalars
        scale = attention.score == .additive ? 1 : scaleWeight?.first ?? 1
        featureScale = attention.score == .additive ? scaleWeight ?? Array(repeating: 1, count: queryFeatures) : []
        concatWeight = node.weights["concat_score_weight"]?.scalars.first ?? 1
        if let heads = attention.heads {
            let widths = [("query", heads.keyDim), ("key", heads.keyDim), ("value", heads.valueDim)]
            projections = widths.map { name, width in
                AttentionKernel.splitHeads(node.weights["\(name)_kernel"]!, bias: node.weights["\(name)_bias"],
                                           heads: heads.count, width: width)
            }
            outputKernel = node.weights["output_kernel"]!.scalars
            outputBias = node.weights["output_bias"]?.scalars
        } else {
            projections = []
            outputKernel = []
            outputBias = nil
        }
    }

    /// A projection kernel [features, heads, width] as one contiguous [features, width] matrix per head, with its
    /// slice of the bias [heads, width].
    static func splitHeads(_ kernel: Tensor, bias: Tensor?, heads: Int, width: Int) -> [HeadProjection] {
        let features = kernel.shape[0]
        return (0..<heads).map { head in
            var matrix: [Float] = []
            matrix.reserveCapacity(features * width)
            for row in 0..<features {
                let start = (row * heads + head) * width
                matrix += kernel.scalars[start ..< start + width]
            }
            let slice = bias.map { Array($0.scalars[head * width ..< (head + 1) * width]) }
            return HeadProjection(kernel: matrix, bias: slice)
        }
    }

    /// Widths of one head's query/key and value rows: the inputs' own features without projections.
    var keyWidth: Int { attention.heads?.keyDim ?? queryFeatures }
    var valueWidth: Int { attention.heads?.valueDim ?? valueFeatures }
    private var headCount: Int { attention.heads?.count ?? 1 }
    private var cost: Int {
        headCount * queryLength * keyLength * (keyWidth + valueWidth)
            + headCount * (queryLength + 2 * keyLength) * max(queryFeatures, valueFeatures, keyFeatures) * (keyWidth + valueWidth)
    }

    func forward(_ inputs: [UnsafePointer<Float>], _ output: UnsafeMutablePointer<Float>, batch: Int) {
        Parallel.forEachRange(batch, cost: cost) { samples in
            let scratch = AttentionScratch(self)
            defer { scratch.release() }
            for sample in samples {
                let sequences = sampleInputs(inputs, sample)
                let masks = sampleMasks(inputs, sample)
                let result = output + sample * queryLength * outputWidth
                guard attention.heads != nil else {
                    attend(sequences.query, sequences.key, sequences.value, masks: masks, scratch: scratch, into: result)
                    zeroMaskedRows(result, masks: masks, width: outputWidth)
                    continue
                }
                for head in 0..<headCount {
                    project(sequences, head: head, scratch: scratch)
                    attend(scratch.queries, scratch.keys, scratch.values, masks: masks, scratch: scratch, into: scratch.combined)
                    withOutputBlock(head) { block in
                        BLAS.multiply(scratch.combined, block, into: result, m: queryLength, n: outputWidth,
                                      k: valueWidth, accumulate: head > 0)
                    }
                }
                if let outputBias {
                    for row in 0..<queryLength {
                        for column in 0..<outputWidth { result[row * outputWidth + column] += outputBias[column] }
                    }
                }
            }
        }
    }

    /// Adds the gradients of the query, value and key inputs (the key's to the value when it is the key).
    func backward(_ inputs: [UnsafePointer<Float>], _ output: UnsafePointer<Float>, _ outputGradient: UnsafePointer<Float>,
                  _ inputGradients: [UnsafeMutablePointer<Float>?], batch: Int) {
        Parallel.forEachRange(batch, cost: 3 * cost) { samples in
            let scratch = AttentionScratch(self)
            defer { scratch.release() }
            for sample in samples {
                let sequences = sampleInputs(inputs, sample)
                let masks = sampleMasks(inputs, sample)
                var gradient = outputGradient + sample * queryLength * outputWidth
                let targets = sampleGradients(inputGradients, sample)
                guard attention.heads != nil else {
                    if masks.query != nil {
                        // The zeroed output rows pass no gradient back.
                        scratch.rowGradient.update(from: gradient, count: queryLength * outputWidth)
                        zeroMaskedRows(scratch.rowGradient, masks: masks, width: outputWidth)
                        gradient = UnsafePointer(scratch.rowGradient)
                    }
                    attend(sequences.query, sequences.key, sequences.value, masks: masks, scratch: scratch, into: nil)
                    attendBackward(sequences.query, sequences.key, sequences.value, masks: masks,
                                   outputGradient: gradient, scratch: scratch,
                                   query: targets.query, key: targets.key, value: targets.value)
                    continue
                }
                for head in 0..<headCount {
                    project(sequences, head: head, scratch: scratch)
                    attend(scratch.queries, scratch.keys, scratch.values, masks: masks, scratch: scratch, into: nil)
                    // ∂L/∂(head's combined rows) = g · (its output block)ᵀ.
                    withOutputBlock(head) { block in
                        BLAS.multiply(gradient, block, into: scratch.combined, m: queryLength, n: valueWidth,
                                      k: outputWidth, transposeB: true)
                    }
                    let widths = [keyWidth, keyWidth, valueWidth], lengths = [queryLength, keyLength, keyLength]
                    for (buffer, count) in zip([scratch.queryGradient, scratch.keyGradient, scratch.valueGradient],
                                               zip(lengths, widths).map(*)) {
                        buffer.update(repeating: 0, count: count)
                    }
                    attendBackward(scratch.queries, scratch.keys, scratch.values, masks: masks,
                                   outputGradient: scratch.combined, scratch: scratch, query: scratch.queryGradient,
                                   key: scratch.keyGradient, value: scratch.valueGradient)
                    let queryScale = attention.heads!.queryScale
                    for index in 0..<queryLength * keyWidth { scratch.queryGradient[index] *= queryScale }
                    let back: [(UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>?, Int, Int)] = [
                        (scratch.queryGradient, targets.query, queryLength, queryFeatures),
                        (scratch.keyGradient, targets.key, keyLength, keyFeatures),
                        (scratch.valueGradient, targets.value, keyLength, valueFeatures),
                    ]
                    for (index, (headGradient, target, length, features)) in back.enumerated() {
                        guard let target else { continue }
                        let projection = projections[index][head]
                        projection.kernel.withUnsafeBufferPointer { kernel in
                            BLAS.multiply(headGradient, kernel.baseAddress!, into: target, m: length, n: features,
                                          k: widths[index], accumulate: true, transposeB: true)
                        }
                    }
                }
            }
        }
    }

    /// One sample's query, key and value rows.
    private func sampleInputs(_ inputs: [UnsafePointer<Float>], _ sample: Int)
        -> (query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        let value = inputs[1] + sample * keyLength * valueFeatures
        return (inputs[0] + sample * queryLength * queryFeatures,
                separateKey ? inputs[2] + sample * keyLength * keyFeatures : value, value)
    }

    /// One sample's masks ([time] each, 0 where masked), where the op reads them.
    private func sampleMasks(_ inputs: [UnsafePointer<Float>], _ sample: Int) -> SampleMasks {
        func mask(_ input: AttentionMaskedInput, _ length: Int) -> UnsafePointer<Float>? {
            maskInputs[input].map { inputs[$0] + sample * length }
        }
        return SampleMasks(query: mask(.query, queryLength), value: mask(.value, keyLength), key: mask(.key, keyLength))
    }

    /// Whether score (i, j) is hidden: after i when causal, at a masked value or key position, or (multi-head
    /// attention) in a masked query row.
    private func isHidden(_ i: Int, _ j: Int, _ masks: SampleMasks) -> Bool {
        if attention.causal && j > i { return true }
        if let value = masks.value, value[j] == 0 { return true }
        if let key = masks.key, key[j] == 0 { return true }
        if attention.heads != nil, let query = masks.query, query[i] == 0 { return true }
        return false
    }

    /// Attention and AdditiveAttention zero the output rows of masked query positions.
    private func zeroMaskedRows(_ rows: UnsafeMutablePointer<Float>, masks: SampleMasks, width: Int) {
        guard attention.heads == nil, let query = masks.query else { return }
        for i in 0..<queryLength where query[i] == 0 { (rows + i * width).update(repeating: 0, count: width) }
    }

    /// One sample's gradient buffers; the key's is the value's when the value is the key.
    private func sampleGradients(_ gradients: [UnsafeMutablePointer<Float>?], _ sample: Int)
        -> (query: UnsafeMutablePointer<Float>?, key: UnsafeMutablePointer<Float>?, value: UnsafeMutablePointer<Float>?) {
        let value = gradients[1].map { $0 + sample * keyLength * valueFeatures }
        let key = separateKey ? gradients[2].map { $0 + sample * keyLength * keyFeatures } : value
        return (gradients[0].map { $0 + sample * queryLength * queryFeatures }, key, value)
    }

    /// Head h's output projection [valueDim, outputs].
    private func withOutputBlock(_ head: Int, _ body: (UnsafePointer<Float>) -> Void) {
        outputKernel.withUnsafeBufferPointer { body($0.baseAddress! + head * valueWidth * outputWidth) }
    }

    /// Head h's projected query (scaled by `1/sqrt(keyDim)` as Keras scales it), key and value into the scratch.
    private func project(_ sequences: (query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>),
                         head: Int, scratch: AttentionScratch) {
        let jobs = [(sequences.query, scratch.queries, queryLength, queryFeatures, keyWidth),
                    (sequences.key, scratch.keys, keyLength, keyFeatures, keyWidth),
                    (sequences.value, scratch.values, keyLength, valueFeatures, valueWidth)]
        for (index, (input, target, length, features, width)) in jobs.enumerated() {
            let projection = projections[index][head]
            projection.kernel.withUnsafeBufferPointer { kernel in
                BLAS.multiply(input, kernel.baseAddress!, into: target, m: length, n: width, k: features)
            }
            if let bias = projection.bias {
                for row in 0..<length {
                    for column in 0..<width { target[row * width + column] += bias[column] }
                }
            }
        }
        let queryScale = attention.heads!.queryScale
        for index in 0..<queryLength * keyWidth { scratch.queries[index] *= queryScale }
    }

    /// `weights = softmax(scores(query, key))` [Tq, Tv] into the scratch, hidden scores replaced or lowered first,
    /// then `weights · value` into `output` when given.
    private func attend(_ query: UnsafePointer<Float>, _ key: UnsafePointer<Float>, _ value: UnsafePointer<Float>,
                        masks: SampleMasks, scratch: AttentionScratch, into output: UnsafeMutablePointer<Float>?) {
        let width = keyWidth, weights = scratch.weights
        switch attention.score {
        case .dot:
            BLAS.multiply(query, key, into: weights, m: queryLength, n: keyLength, k: width, transposeB: true)
            if scale != 1 { for index in 0..<queryLength * keyLength { weights[index] *= scale } }
        case .concat, .additive:
            for i in 0..<queryLength {
                for j in 0..<keyLength {
                    let terms = tanhTerms(query + i * width, key + j * width, scratch: scratch)
                    var sum: Float = 0
                    for d in 0..<width { sum += attention.score == .additive ? featureScale[d] * terms[d] : terms[d] }
                    weights[i * keyLength + j] = attention.score == .concat ? concatWeight * sum : sum
                }
            }
        }
        for i in 0..<queryLength {
            for j in 0..<keyLength where isHidden(i, j, masks) {
                switch hidden {
                case .lowered(let by): weights[i * keyLength + j] -= by
                case .replaced(let by): weights[i * keyLength + j] = by
                }
            }
        }
        Softmax().apply(weights, shape: [queryLength, keyLength], axis: 1)
        if let output {
            BLAS.multiply(weights, value, into: output, m: queryLength, n: valueWidth, k: keyLength)
        }
    }

    /// `tanh(scale · (q_d + k_d))` over the features of one query and one key row, in the scratch.
    private func tanhTerms(_ query: UnsafePointer<Float>, _ key: UnsafePointer<Float>, scratch: AttentionScratch) -> UnsafeMutablePointer<Float> {
        let terms = scratch.tanhTerms
        for d in 0..<keyWidth { terms[d] = scale * (query[d] + key[d]) }
        Tanh().apply(terms, count: keyWidth)
        return terms
    }

    /// Adds the gradients of one attention (one head) to `query`, `key`, `value` given its softmax `weights` and
    /// `outputGradient` [Tq, value width].
    private func attendBackward(_ query: UnsafePointer<Float>, _ key: UnsafePointer<Float>, _ value: UnsafePointer<Float>,
                                masks: SampleMasks, outputGradient: UnsafePointer<Float>, scratch: AttentionScratch,
                                query queryGradient: UnsafeMutablePointer<Float>?, key keyGradient: UnsafeMutablePointer<Float>?,
                                value valueGradient: UnsafeMutablePointer<Float>?) {
        let width = keyWidth, weights = UnsafePointer(scratch.weights)
        if let valueGradient {
            BLAS.multiply(weights, outputGradient, into: valueGradient, m: keyLength, n: valueWidth, k: queryLength,
                          accumulate: true, transposeA: true)
        }
        guard queryGradient != nil || keyGradient != nil else { return }
        // ∂L/∂weights = g · valueᵀ, then through the softmax; a replaced score passes nothing back.
        BLAS.multiply(outputGradient, value, into: scratch.weightGradient, m: queryLength, n: keyLength, k: valueWidth, transposeB: true)
        let scores = scratch.scoreGradient
        scores.update(repeating: 0, count: queryLength * keyLength)
        Softmax().addGradient(y: weights, g: scratch.weightGradient, into: scores, shape: [queryLength, keyLength], axis: 1)
        if case .replaced = hidden {
            for i in 0..<queryLength {
                for j in 0..<keyLength where isHidden(i, j, masks) { scores[i * keyLength + j] = 0 }
            }
        }
        switch attention.score {
        case .dot:
            if scale != 1 { for index in 0..<queryLength * keyLength { scores[index] *= scale } }
            if let queryGradient {
                BLAS.multiply(scores, key, into: queryGradient, m: queryLength, n: width, k: keyLength, accumulate: true)
            }
            if let keyGradient {
                BLAS.multiply(scores, query, into: keyGradient, m: keyLength, n: width, k: queryLength, accumulate: true,
                              transposeA: true)
            }
        case .concat, .additive:
            let outer = attention.score == .concat ? concatWeight * scale : 1
            for i in 0..<queryLength {
                for j in 0..<keyLength where scores[i * keyLength + j] != 0 {
                    let g = scores[i * keyLength + j] * outer
                    let terms = tanhTerms(query + i * width, key + j * width, scratch: scratch)
                    for d in 0..<width {
                        let t = terms[d]
                        let term = g * (1 - t * t) * (attention.score == .additive ? featureScale[d] : 1)
                        queryGradient?[i * width + d] += term
                        keyGradient?[j * width + d] += term
                    }
                }
            }
        }
    }
}

/// One sample's Keras masks, [time] each (nil when the sequence is not masked).
private struct SampleMasks {
    let query: UnsafePointer<Float>?
    let value: UnsafePointer<Float>?
    let key: UnsafePointer<Float>?
}

/// One worker's buffers for a sample (one head at a time).
private struct AttentionScratch {
    let weights: UnsafeMutablePointer<Float>
    let weightGradient: UnsafeMutablePointer<Float>
    let scoreGradient: UnsafeMutablePointer<Float>
    /// One row pair's tanh terms (concat and additive scores), and the output gradient with masked query rows zeroed
    /// (Attention and AdditiveAttention).
    let tanhTerms: UnsafeMutablePointer<Float>
    let rowGradient: UnsafeMutablePointer<Float>
    /// One head's projected query, key and value, its combined rows (or their gradient), and the projections'
    /// gradients; empty without heads.
    let queries: UnsafeMutablePointer<Float>
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    let combined: UnsafeMutablePointer<Float>
    let queryGradient: UnsafeMutablePointer<Float>
    let keyGradient: UnsafeMutablePointer<Float>
    let valueGradient: UnsafeMutablePointer<Float>
    private let all: [UnsafeMutablePointer<Float>]

    init(_ kernel: AttentionKernel) {
        let heads = kernel.attention.heads
        let keyWidth = heads?.keyDim ?? 0, valueWidth = heads?.valueDim ?? 0
        let (tq, tv) = (kernel.queryLength, kernel.keyLength)
        let plain = heads == nil
        let sizes = [tq * tv, tq * tv, tq * keyWidth, tv * keyWidth, tv * valueWidth, tq * valueWidth,
                     tq * keyWidth, tv * keyWidth, tv * valueWidth, tq * tv,
                     kernel.attention.score == .dot ? 0 : kernel.keyWidth, plain ? tq * kernel.outputWidth : 0]
        all = sizes.map { .allocate(capacity: max($0, 1)) }
        (weights, scoreGradient, queries, keys, values) = (all[0], all[1], all[2], all[3], all[4])
        (combined, queryGradient, keyGradient, valueGradient) = (all[5], all[6], all[7], all[8])
        (weightGradient, tanhTerms, rowGradient) = (all[9], all[10], all[11])
    }

    func release() { for buffer in all { buffer.deallocate() } }
}
