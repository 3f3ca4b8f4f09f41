import KerasLensGraph
@testable import KerasLensRuntime
import Testing

/// The rectifiers a gradient plan fuses into their layer (`Activation.outputMaskTop`): masking the output gradient
/// with the output gives exactly what the activation step's own backward pass adds (`addGradient` from the input),
/// kinks, the cap, NaN and a count that is no multiple of the vector width included; other activations are not fused.
@Suite struct OutputMaskTests {
    @Test(arguments: [Activation.relu, .relu6, .clippedReLU(maxValue: 6, negativeSlope: 0, threshold: 0),
                      .clippedReLU(maxValue: 1.5, negativeSlope: 0, threshold: 0), .clippedReLU(maxValue: nil, negativeSlope: 0, threshold: 0)])
    func maskMatchesTheActivationStep(_ activation: Activation) {
        let x: [Float] = (0..<1003).map { Float(($0 * 37) % 211) / 15 - 7 } + [0, 6, 1.5, -0, .nan, 6.0001, 5.9999]
        var y = x
        y.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, shape: [x.count]) }
        let g = (0..<x.count).map { Float(($0 * 53) % 97) / 48 - 1 }
        var expected = [Float](repeating: 0, count: x.count), masked = g
        activation.addGradient(x: x, y: y, g: g, into: &expected, shape: [x.count])
        masked.withUnsafeMutableBufferPointer { activation.maskGradient($0.baseAddress!, output: y, count: x.count) }
        #expect(masked == expected, "\(activation)")
    }

    @Test func onlyRectifiersWithoutSlopeOrThresholdAreFused() {
        #expect(Activation.relu.outputMaskTop == .infinity && Activation.relu6.outputMaskTop == 6)
        for activation in [Activation.sigmoid, .swish, .leakyReLU(alpha: 0.2), .elu(alpha: 1), .linear,
                           .clippedReLU(maxValue: 6, negativeSlope: 0.1, threshold: 0), .clippedReLU(maxValue: nil, negativeSlope: 0, threshold: 1)] {
            #expect(activation.outputMaskTop == nil, "\(activation)")
        }
    }
}
