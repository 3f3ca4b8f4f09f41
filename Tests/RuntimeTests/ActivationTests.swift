import KerasLensGraph
import Testing

@Suite struct ActivationTests {
    /// Values at x = −1 and x = 1, worked out by hand from Keras's definitions.
    @Test(arguments: [
        (Activation.relu, Float(0), Float(1)),
        (.relu6, 0, 1),
        (.sigmoid, 0.26894142, 0.7310586),
        (.hardSigmoidKeras2, 0.3, 0.7),
        (.hardSigmoidKeras3, 0.33333334, 0.6666667),
        (.tanh, -0.7615942, 0.7615942),
        (.softplus, 0.31326166, 1.3132616),
        (.softsign, -0.5, 0.5),
        (.elu(alpha: 1), -0.63212055, 1),
        (.selu, -1.1113307, 1.050701),
        (.swish, -0.26894142, 0.7310586),
        (.gelu(approximate: false), -0.15865526, 0.8413447),
        (.gelu(approximate: true), -0.15880802, 0.841192),
        (.exponential, 0.36787945, 2.7182817),
        (.leakyReLU(alpha: 0.2), -0.2, 1),
        (.mish, -0.30340144, 0.86509836),
        (.clippedReLU(maxValue: 0.5, negativeSlope: 0.1, threshold: 0), -0.1, 0.5),
        (.hardSilu, -0.33333334, 0.6666667),
        (.celu, -0.63212055, 1),
        (.hardShrink, -1, 1),
        (.softShrink, -0.5, 0.5),
        (.hardTanh, -1, 1),
        (.logSigmoid, -1.3132616, -0.31326166),
        (.sparsePlus, 0, 1),
        (.sparseSigmoid, 0, 1),
        (.squareplus, 0.618034, 1.618034),
        (.tanhShrink, -0.23840584, 0.23840584),
    ])
    func valuesAtMinusOneAndOne(activation: Activation, atMinusOne: Float, atOne: Float) throws {
        let y = try runOp(.activation(activation), input: tensor([1, 2], [-1, 1]))
        expectClose(y, tensor([1, 2], [atMinusOne, atOne]), atol: 1e-6, rtol: 1e-5)
    }

    @Test func reluThresholdKeepsValuesAboveIt() throws {
        // Keras: x where x > threshold, else negative_slope · (x − threshold).
        let y = try runOp(.activation(.clippedReLU(maxValue: nil, negativeSlope: 0.5, threshold: 1)), input: tensor([1, 3], [0, 1.5, 3]))
        expectClose(y, tensor([1, 3], [-0.5, 1.5, 3]))
    }

    /// `ReLU(6.)` and `ReLU()` layers (no threshold, no slope) run as a clamp: the same values as the general form,
    /// NaN and the clip points included.
    @Test(arguments: [Float(6), nil]) func plainClippedReLUIsAClamp(maxValue: Float?) throws {
        let x: [Float] = [-.infinity, -2, -0.0, 0, 3, 6, 6.5, .infinity, .nan]
        let y = try runOp(.activation(.clippedReLU(maxValue: maxValue, negativeSlope: 0, threshold: 0)), input: tensor([1, 9], x))
        let top = maxValue ?? .infinity
        #expect(y.scalars.dropLast() == [0, 0, -0.0, 0, 3, min(6, top), min(6.5, top), top])
        #expect(y.scalars.last!.isNaN)
    }

    /// log(1/4) and log(3/4) across positions [0, ln 3], at inputs far from zero where the sum would overflow.
    @Test func logSoftmaxOverTheMiddleAxis() throws {
        let y = try runOp(.activation(.logSoftmax(axis: 1)), input: tensor([1, 2, 2], [100, -3, 101.09861, -3]))
        expectClose(y, tensor([1, 2, 2], [-1.3862944, -0.6931472, -0.2876821, -0.6931472]))
    }

    @Test func softmaxOverTheMiddleAxis() throws {
        let y = try runOp(.activation(.softmax(axis: 1)), input: tensor([1, 2, 2], [0, 5, 0, 5]))
        expectClose(y, tensor([1, 2, 2], [0.5, 0.5, 0.5, 0.5]))
    }

    /// A native graph can give a dense or convolution layer a built-in softmax over an axis other than the channels.
    /// With an identity kernel the output keeps the input's values: positions [0, 1] and [ln 3, 1], so a softmax across
    /// the positions gives [1, 3] / 4 in channel 0 and equal shares in channel 1.
    @Test(arguments: [
        (Op.dense(activation: .softmax(axis: 1)), [1, 2, 2], [2, 2]),
        (.convolution(window: window([1], .valid), activation: .softmax(axis: 1)), [1, 2, 2], [1, 2, 2]),
        (.convolution(window: window([1, 1], .valid), activation: .softmax(axis: -3)), [1, 2, 1, 2], [1, 1, 2, 2]),
    ])
    func builtInSoftmaxOverAPositionAxis(op: Op, inputShape: [Int], kernelShape: [Int]) throws {
        let input = tensor(inputShape, [0, 1, 1.0986123, 1])
        let weights = ["kernel": tensor(kernelShape, [1, 0, 0, 1]), "bias": tensor([2], [0, 0])]
        let y = try runOp(op, input: input, weights: weights)
        expectClose(y, tensor(inputShape, [0.25, 0.5, 0.75, 0.5]))
    }
}
