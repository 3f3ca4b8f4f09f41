import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Without a vector instruction set, a dense layer on samples of one row runs matrix-vector products (`BLAS.multiplyRow`): forward
/// as partial products over chunks of the input features added in order, backward split into ranges of 64 input
/// features over the cores. Both against sums in Double, the backward pass adding to a gradient that already holds
/// values; with one chunk and several backward ranges (the last cut short), and with several chunks, the last cut
/// short (16,500 units: 64 input features a chunk).
@Suite struct DenseRowProductTests {
    @Test(arguments: [(150, 130, 3), (150, 16_500, 2)])
    func forwardAndBackwardMatchTheSums(_ shape: (Int, Int, Int)) throws {
        let (inFeatures, outFeatures, batch) = shape
        let weights = ["kernel": Tensor(shape: [inFeatures, outFeatures],
                                        scalars: (0..<(inFeatures * outFeatures)).map { Float(($0 * 37) % 101) / 50 - 1 }),
                       "bias": Tensor(shape: [outFeatures], scalars: (0..<outFeatures).map { Float($0 % 7) / 10 - 0.3 })]
        let node = Node(name: "dense", kerasClass: "Dense", op: .dense(activation: .linear), inputs: ["x"], weights: weights,
                        outputShape: [outFeatures])
        let dense = DenseKernel(node: node, shapes: KernelShapes(inputs: [[inFeatures]], output: [outFeatures]), activation: .linear,
                                isa: nil)
        let w = weights["kernel"]!.scalars, b = weights["bias"]!.scalars
        let x = (0..<(batch * inFeatures)).map { Float(($0 * 53) % 97) / 48 - 1 }
        let g = (0..<(batch * outFeatures)).map { Float(($0 * 29) % 89) / 30 - 1.5 }
        var y = [Float](repeating: -7, count: batch * outFeatures)
        var gx = (0..<(batch * inFeatures)).map { Float($0 % 5) - 2 }
        let earlier = gx
        x.withUnsafeBufferPointer { x in
            dense.forward([x.baseAddress!], &y, batch: batch)
            g.withUnsafeBufferPointer { g in
                gx.withUnsafeMutableBufferPointer { dense.backward([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch) }
            }
        }
        var expectedY = [Float](), expectedGx = [Float]()
        for s in 0..<batch {
            for j in 0..<outFeatures {
                let sum = (0..<inFeatures).reduce(Double(b[j])) { $0 + Double(x[s * inFeatures + $1]) * Double(w[$1 * outFeatures + j]) }
                expectedY.append(Float(sum))
            }
            for i in 0..<inFeatures {
                let sum = (0..<outFeatures).reduce(Double(earlier[s * inFeatures + i])) {
                    $0 + Double(g[s * outFeatures + $1]) * Double(w[i * outFeatures + $1])
                }
                expectedGx.append(Float(sum))
            }
        }
        expectClose(tensor([y.count], y), tensor([y.count], expectedY), "forward", atol: 1e-4)
        expectClose(tensor([gx.count], gx), tensor([gx.count], expectedGx), "backward", atol: 1e-4)
    }

    /// With a vector instruction set the backward pass is dot products of each row of the output gradient with the
    /// kernel's rows (`kl_dense_dots`), blocks of samples sharing a row, spans of rows over the cores: against sums in
    /// Double, added to a gradient holding values and stored into garbage, for one-row and three-row samples, batches
    /// that leave a partial block of samples, output features short of a vector, not a multiple of two vectors and
    /// many vectors, an odd number of input features (a span's last row alone); a sample alone gives the same bits.
    @Test(arguments: [(130, 33, 1, 5), (7, 1, 3, 3), (301, 4_096, 1, 7), (64, 130, 2, 2)], VectorISA.available)
    func vectorBackwardMatchesTheSums(_ shape: (Int, Int, Int, Int), isa: VectorISA) throws {
        let (inFeatures, outFeatures, rowsPerSample, batch) = shape
        let kernel = Tensor(shape: [inFeatures, outFeatures], scalars: (0..<(inFeatures * outFeatures)).map { Float(($0 * 37) % 101) / 50 - 1 })
        let node = Node(name: "dense", kerasClass: "Dense", op: .dense(activation: .linear), inputs: ["x"], weights: ["kernel": kernel],
                        outputShape: rowsPerSample == 1 ? [outFeatures] : [rowsPerSample, outFeatures])
        let input = rowsPerSample == 1 ? [inFeatures] : [rowsPerSample, inFeatures]
        let dense = DenseKernel(node: node, shapes: KernelShapes(inputs: [input], output: node.outputShape), activation: .linear, isa: isa)
        #expect(dense.storesFirstInputGradient)
        let rows = batch * rowsPerSample, w = kernel.scalars
        let g = (0..<(rows * outFeatures)).map { Float(($0 * 29) % 89) / 30 - 1.5 }
        let earlier = (0..<(rows * inFeatures)).map { Float($0 % 5) - 2 }
        var added = earlier, stored = [Float](repeating: .nan, count: rows * inFeatures)
        var alone = Array(earlier[(rowsPerSample * inFeatures)...].prefix(rowsPerSample * inFeatures))
        let x = [Float](repeating: 0, count: rows * inFeatures)  // backward reads no input
        x.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                let y = g.baseAddress!  // nor the output
                added.withUnsafeMutableBufferPointer { dense.backward([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch) }
                stored.withUnsafeMutableBufferPointer {
                    dense.backwardStoringFirstInputGradient([x.baseAddress!], y, g.baseAddress!, [$0.baseAddress!], batch: batch, trace: nil)
                }
                alone.withUnsafeMutableBufferPointer {
                    dense.backward([x.baseAddress!], y, g.baseAddress! + rowsPerSample * outFeatures, [$0.baseAddress!], batch: 1)
                }
            }
        }
        let sums = (0..<rows).flatMap { r in
            (0..<inFeatures).map { i in (0..<outFeatures).reduce(0.0) { $0 + Double(g[r * outFeatures + $1]) * Double(w[i * outFeatures + $1]) } }
        }
        let expectedAdded = zip(earlier, sums).map { Float(Double($0) + $1) }, expectedStored = sums.map { Float($0) }
        expectClose(tensor([added.count], added), tensor([added.count], expectedAdded), "added \(isa)", atol: 1e-4)
        expectClose(tensor([stored.count], stored), tensor([stored.count], expectedStored), "stored \(isa)", atol: 1e-4)
        #expect(Array(added[(rowsPerSample * inFeatures)..<(2 * rowsPerSample * inFeatures)]) == alone, "a sample alone, the same bits")
    }
}
