import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// A plan cut into segments whose passes grow as the activations shrink (`Plan.passSegments`) must give every
/// sample the bits one pass over the whole batch gives it.
@Suite struct PassSegmentTests {
    /// VGG in small: a 16×16×4 input → 3×3 convolution (8 filters) → 2×2 max pooling → flatten → dense 512 → 64 →
    /// dense 64 → 10, softmax. The convolution's output is 2,048 floats a sample, the classifier's weights 33,408.
    static let graph: Graph = {
        func values(_ count: Int, _ seed: Int) -> [Float] { (0..<count).map { Float((($0 + seed) * 7919) % 199) / 199 - 0.5 } }
        let window = { (size: Int) in Window(size: [size, size], strides: [size, size], dilations: [1, 1], padding: .valid) }
        let nodes = [
            Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [16, 16, 4]),
            Node(name: "conv", kerasClass: "Conv2D",
                 op: .convolution(window: Window(size: [3, 3], strides: [1, 1], dilations: [1, 1], padding: .same), activation: .relu),
                 inputs: ["x"], weights: ["kernel": Tensor(shape: [3, 3, 4, 8], scalars: values(288, 1)),
                                          "bias": Tensor(shape: [8], scalars: values(8, 2))], outputShape: [16, 16, 8]),
            Node(name: "pool", kerasClass: "MaxPooling2D", op: .pool(kind: .max, window: window(2)), inputs: ["conv"], outputShape: [8, 8, 8]),
            Node(name: "flat", kerasClass: "Flatten", op: .flatten, inputs: ["pool"], outputShape: [512]),
            Node(name: "fc", kerasClass: "Dense", op: .dense(activation: .relu), inputs: ["flat"],
                 weights: ["kernel": Tensor(shape: [512, 64], scalars: values(32_768, 3)), "bias": Tensor(shape: [64], scalars: values(64, 4))],
                 outputShape: [64]),
            Node(name: "out", kerasClass: "Dense", op: .dense(activation: .softmax(axis: 1)), inputs: ["fc"],
                 weights: ["kernel": Tensor(shape: [64, 10], scalars: values(640, 5))], outputShape: [10]),
        ]
        return Graph(nodes: nodes, inputs: ["x"], outputs: ["out"], source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
    }()

    static let batch = Tensor(shape: [7, 16, 16, 4], scalars: (0..<(7 * 1024)).map { Float(($0 * 31) % 97) / 48 - 1 })
    /// Three pooled outputs a pass: the convolution runs one sample a pass, the pooled layer three, the last dense
    /// layer all seven.
    static let bytes = 3 * 512 * MemoryLayout<Float>.size

    let model = try! Model(Self.graph)
    var plan: Plan { model.inference }

    func segments(keep: [String], given: [String] = ["x"], skip: Set<Int> = []) -> [Plan.PassSegment] {
        plan.passSegments(limit: 7, given: Set(given.map { plan.position[$0]! }), keep: Set(keep.map { plan.position[$0]! }),
                          skip: skip, bytes: Self.bytes)
    }

    @Test func passesGrowWhereTheActivationsShrinkAndWeightsRemain() throws {
        let cut = segments(keep: ["out"])
        #expect(cut == [Plan.PassSegment(start: 0, size: 1), Plan.PassSegment(start: plan.position["pool"]!, size: 3),
                        Plan.PassSegment(start: plan.position["fc"]!, size: 7)])
        for segment in cut.dropFirst() {
            // a cut: nothing after it reads anything before it
            #expect(plan.steps[(segment.start + 1)...].allSatisfy { $0.inputs.allSatisfy { $0 >= segment.start } })
        }
        // a step wanted before any cut, or a forward pass given a layer after the last, keeps one size
        #expect(segments(keep: ["pool", "out"]).count == 2)
        #expect(segments(keep: ["conv", "out"]).count == 1)
        let fc = plan.position["fc"]!
        #expect(segments(keep: ["out"], given: ["fc"], skip: Set(0..<fc)) == [Plan.PassSegment(start: 0, size: 7)])
        let pooled = plan.position["pool"]!
        #expect(segments(keep: ["out"], given: ["pool"], skip: Set(0..<pooled))
                == [Plan.PassSegment(start: 0, size: 3), Plan.PassSegment(start: fc, size: 7)])
    }

    @Test func segmentedPassesGiveTheBitsOfOnePass() throws {
        let pool = BufferPool()
        let input = plan.position["x"]!, output = plan.position["out"]!, pooled = plan.position["pool"]!
        for keep in [[output], [pooled, output]] {
            let whole = plan.execute(batch: 7, given: [input: pool.filled(with: Self.batch)], keep: Set(keep), pool: pool)
            let parts = plan.executeInPasses(total: 7, limit: 7, given: [input], load: { [input: pool.filled(with: Self.batch, samples: $0)] },
                                             keep: Set(keep), pool: pool, bytes: Self.bytes) { range, buffers in
                keep.map { plan.tensor(buffers[$0]!, step: $0, batch: range.count) }
            }
            for (index, step) in keep.enumerated() {
                #expect(Tensor(joiningSamples: parts.map { $0[index] }) == plan.tensor(whole[step]!, step: step, batch: 7))
            }
            for buffer in whole.values { pool.give(buffer) }
        }
        // from the pooled layer on (a forward pass from a layer)
        let pooledBatch = plan.tensor(plan.execute(batch: 7, given: [input: pool.filled(with: Self.batch)], keep: [pooled], pool: pool)[pooled]!,
                                      step: pooled, batch: 7)
        let whole = plan.execute(batch: 7, given: [pooled: pool.filled(with: pooledBatch)], keep: [output], skip: Set(0..<pooled), pool: pool)
        let parts = plan.executeInPasses(total: 7, limit: 7, given: [pooled], load: { [pooled: pool.filled(with: pooledBatch, samples: $0)] },
                                         keep: [output], skip: Set(0..<pooled), pool: pool, bytes: Self.bytes) { range, buffers in
            plan.tensor(buffers[output]!, step: output, batch: range.count)
        }
        #expect(Tensor(joiningSamples: parts) == plan.tensor(whole[output]!, step: output, batch: 7))
    }
}
