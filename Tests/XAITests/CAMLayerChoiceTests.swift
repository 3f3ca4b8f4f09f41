import Foundation
import KerasLensGraph
import KerasLens
import Testing
import KerasLensXAI

/// The layer CAM methods read without --layer: the last layer keeping the input's spatial axes.
@Suite struct CAMLayerChoiceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func pick(_ relative: String) throws -> String? {
        CAMLayerChoice.pick(in: try ModelFile.load(path: Self.root.appendingPathComponent(relative).path))
    }

    @Test func courseModels() throws {
        #expect(try pick("Fixtures/MNIST1D.h5") == "conv1d_2")
        #expect(try pick("Fixtures/HMT.h5") == "max_pooling2d_1")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: root.appendingPathComponent("../shared/models/MNIST1D.h5").path)))
    func courseFileItself() throws {
        #expect(try pick("../shared/models/MNIST1D.h5") == "conv1d_2")
    }

    @Test func aDenseModelHasNone() throws {
        #expect(try pick("Fixtures/zoo/mlp.k2.h5") == nil)
    }

    /// A Dropout or Reshape after the last computing layer hands the choice back to it.
    @Test func passThroughLayersStepBack() {
        let nodes = [
            Node(name: "in", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [8, 8, 3]),
            Node(name: "relu", kerasClass: "Activation", op: .activation(.relu), inputs: ["in"], outputShape: [8, 8, 3]),
            Node(name: "drop", kerasClass: "Dropout", op: .identity, inputs: ["relu"], outputShape: [8, 8, 3]),
            Node(name: "shape", kerasClass: "Reshape", op: .reshape(shape: [4, 16, 3]), inputs: ["drop"], outputShape: [4, 16, 3]),
            Node(name: "flat", kerasClass: "Flatten", op: .flatten, inputs: ["shape"], outputShape: [192]),
        ]
        let graph = Graph(nodes: nodes, inputs: ["in"], outputs: ["flat"], source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
        #expect(CAMLayerChoice.pick(in: graph) == "relu")
    }

    /// MobileNet's head keeps the pooled axes at size 1 for its 1×1 convolution classifier: the layers after a
    /// global pooling have no spatial axes left to read.
    @Test func aGlobalPoolingThatKeepsItsAxesPoolsThemAway() {
        let nodes = [
            Node(name: "in", kerasClass: "InputLayer", op: .input, inputs: [], outputShape: [8, 8, 3]),
            Node(name: "relu", kerasClass: "Activation", op: .activation(.relu), inputs: ["in"], outputShape: [8, 8, 3]),
            Node(name: "gap", kerasClass: "GlobalAveragePooling2D", op: .globalPool(kind: .average, keepDims: true),
                 inputs: ["relu"], outputShape: [1, 1, 3]),
            Node(name: "drop", kerasClass: "Dropout", op: .identity, inputs: ["gap"], outputShape: [1, 1, 3]),
            Node(name: "preds", kerasClass: "Activation", op: .activation(.sigmoid), inputs: ["drop"], outputShape: [1, 1, 3]),
            Node(name: "flat", kerasClass: "Flatten", op: .flatten, inputs: ["preds"], outputShape: [3]),
        ]
        let graph = Graph(nodes: nodes, inputs: ["in"], outputs: ["flat"], source: GraphSource(format: "test", kerasVersion: nil, backend: nil))
        #expect(CAMLayerChoice.pick(in: graph) == "relu")
    }
}
