import Foundation
import KerasLensGraph
import Testing

@Suite struct ConvolutionTests {
    @Test func sameOddKernelPadsBothSides() throws {
        let y = try runOp(.convolution(window: window([3], .same), activation: .linear),
                          input: tensor([1, 4, 1], [1, 2, 3, 4]), weights: ["kernel": tensor([3, 1, 1], [1, 1, 1])])
        expectClose(y, tensor([1, 4, 1], [3, 6, 9, 7]))
    }

    @Test func sameEvenKernelPutsTheExtraPadAtTheEnd() throws {
        // TensorFlow pads 1 in total for k = 2: none before, one after.
        let y = try runOp(.convolution(window: window([2], .same), activation: .linear),
                          input: tensor([1, 4, 1], [1, 2, 3, 4]), weights: ["kernel": tensor([2, 1, 1], [1, 1])])
        expectClose(y, tensor([1, 4, 1], [3, 5, 7, 4]))
    }

    @Test func sameWithStrideTwoOn2D() throws {
        let y = try runOp(.convolution(window: window([3, 3], strides: [2, 2], .same), activation: .linear),
                          input: tensor([1, 3, 3, 1], (1...9).map(Float.init)),
                          weights: ["kernel": Tensor(shape: [3, 3, 1, 1], scalars: Array(repeating: 1, count: 9))])
        expectClose(y, tensor([1, 2, 2, 1], [12, 16, 24, 28]))
    }

    @Test func dilatedValid() throws {
        let y = try runOp(.convolution(window: window([3], dilations: [2], .valid), activation: .linear),
                          input: tensor([1, 5, 1], [1, 2, 3, 4, 5]), weights: ["kernel": tensor([3, 1, 1], [1, 1, 1])])
        expectClose(y, tensor([1, 1, 1], [9]))
    }

    @Test func channelsBiasAndActivation() throws {
        // Two input channels, two filters: filter 0 sums the channels, filter 1 takes their difference.
        let kernel = tensor([1, 2, 2], [1, 1, 1, -1])
        let y = try runOp(.convolution(window: window([1], .valid), activation: .relu),
                          input: tensor([2, 2, 2], [1, 2, 3, 1, 0, 0, 5, 9]),
                          weights: ["kernel": kernel, "bias": tensor([2], [0.5, 0])])
        expectClose(y, tensor([2, 2, 2], [3.5, 0, 4.5, 2, 0.5, 0, 14.5, 0]))
    }

    @Test func depthwiseMultiplier() throws {
        // Channel c, multiplier j → output channel c·2 + j, scaled by kernel[c][j].
        let y = try runOp(.depthwiseConvolution(window: window([1], .valid), multiplier: 2, activation: .linear),
                          input: tensor([1, 1, 2], [3, 5]), weights: ["depthwise_kernel": tensor([1, 2, 2], [1, 2, 10, 20])])
        expectClose(y, tensor([1, 1, 4], [3, 6, 50, 100]))
    }

    @Test func separableIsDepthwiseThenPointwise() throws {
        let y = try runOp(.separableConvolution(window: window([2], .valid), multiplier: 1, activation: .linear),
                          input: tensor([1, 2, 1], [1, 2]),
                          weights: ["depthwise_kernel": tensor([2, 1, 1], [1, 1]), "pointwise_kernel": tensor([1, 1, 2], [2, -1]),
                                    "bias": tensor([2], [0, 1])])
        expectClose(y, tensor([1, 1, 2], [6, -2]))
    }

    @Test func denseOverLastAxis() throws {
        let y = try runOp(.dense(activation: .linear), input: tensor([1, 2], [1, 2]),
                          weights: ["kernel": tensor([2, 3], [1, 2, 3, 4, 5, 6]), "bias": tensor([3], [0.5, 0, 0])])
        expectClose(y, tensor([1, 3], [9.5, 12, 15]))
    }

    @Test func denseSoftmax() throws {
        let y = try runOp(.dense(activation: .softmax(axis: 1)), input: tensor([1, 1], [1]),
                          weights: ["kernel": tensor([1, 2], [0, Float(log(3.0))])])
        expectClose(y, tensor([1, 2], [0.25, 0.75]))
    }

    @Test func kernelShapeMismatchIsAnError() {
        #expect(throws: GraphError.self) {
            try runOp(.convolution(window: window([3], .same), activation: .linear),
                      input: tensor([1, 4, 2], Array(repeating: 0, count: 8)), weights: ["kernel": tensor([3, 1, 1], [1, 1, 1])])
        }
    }
}
