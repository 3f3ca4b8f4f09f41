import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// Values worked by hand for the resize and reduce kernels, where finite differences cannot see the rule.
@Suite struct ResamplingReductionTests {
    /// TensorFlow's `_MinOrMaxGrad`: tied maxima share the gradient equally.
    @Test func maximumGradientIsSplitAmongTies() throws {
        let graph = Graph(nodes: [Node(name: "x", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [4, 1]),
                                  Node(name: "y", kerasClass: "TFOpLambda", op: .reduce(kind: .max, axes: [1], keepDims: false),
                                       inputs: ["x"], outputShape: [1])],
                          inputs: ["x"], outputs: ["y"], source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
        let result = try Model(graph).gradients([tensor([1, 4, 1], [1, 3, 3, 2])], classes: [0], withRespectTo: ["x"])
        #expect(result.outputs.scalars == [3])
        #expect(result.gradients["x"]?.scalars == [0, 0.5, 0.5, 0])
    }

    /// `tf.image.resize` of [0, 1] (one row, two columns) to four columns, half-pixel centres: sources −0.25,
    /// 0.25, 0.75, 1.25, clamped at the edges.
    @Test func bilinearUsesHalfPixelCentres() throws {
        let y = try runOp(.resize(size: [1, 4], interpolation: .bilinear), input: tensor([1, 1, 2, 1], [0, 1]))
        #expect(y.scalars == [0, 0.25, 0.75, 1])
        let nearest = try runOp(.resize(size: [1, 3], interpolation: .nearest), input: tensor([1, 1, 5, 1], [0, 1, 2, 3, 4]))
        #expect(nearest.scalars == [0, 2, 4])  // floor((i + 0.5) · 5 / 3)
    }
}
