import Foundation
@testable import KerasLensRuntime
import Testing

/// Sigmoid, tanh and swish a vector at a time (every instruction set this CPU has) give the bits of the same function one
/// value at a time, and stay within a few float32 ulps of the exact functions (sigmoid 2.5e-7 relative, tanh
/// 3.5e-7 absolute: Eigen's approximation near saturation, as TensorFlow computes it; swish 3.5e-7 relative,
/// and 1e-35 absolute where the sigmoid saturates into subnormals).
@Suite struct VectorActivationTests {
    /// Dense near 0, where tanh is linear, out to where both saturate, and odd counts for the partial vectors.
    static let inputs: [Float] = (0..<4001).map { Float($0 - 2000) / 100 } + (1..<300).map { powf(10, Float($0) / 30 - 9) }
        + [-100, -89, -88.5, 88.5, 100, 1e-30, -1e-30, 0]

    @Test(arguments: VectorISA.available) func vectorsGiveTheScalarBits(_ isa: VectorISA) {
        for (name, vector, scalar) in [("sigmoid", isa.sigmoid, Sigmoid().value), ("tanh", isa.tanh, Tanh().value),
                                       ("swish", isa.swish, Swish().value)] {
            var values = Self.inputs
            values.withUnsafeMutableBufferPointer { vector($0.baseAddress, Int64($0.count)) }
            let mismatches = zip(Self.inputs, values).filter { scalar($0.0).bitPattern != $0.1.bitPattern }
            #expect(mismatches.isEmpty, "\(isa) \(name): \(mismatches.prefix(3))")
        }
    }

    /// Hard-swish and its gradient a vector at a time give the scalar loop's bits, kinks at ±3 included (MobileNetV3's
    /// activation steps in a gradient plan).
    @Test(arguments: VectorISA.available) func hardSiluVectorsGiveTheScalarBits(_ isa: VectorISA) {
        let scalar = HardSilu()
        var values = Self.inputs
        values.withUnsafeMutableBufferPointer { isa.hardSilu($0.baseAddress, Int64($0.count)) }
        #expect(zip(Self.inputs, values).allSatisfy { scalar.value($0.0).bitPattern == $0.1.bitPattern }, "\(isa) hard-silu")

        let g = Self.inputs.indices.map { Float(($0 * 37) % 101) / 50 - 1 }
        let start = Self.inputs.indices.map { Float($0 % 7) / 3 - 1 }
        let expected = Self.inputs.indices.map { start[$0] + g[$0] * scalar.derivative(x: Self.inputs[$0], y: 0) }
        var gx = start
        Self.inputs.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                gx.withUnsafeMutableBufferPointer { isa.hardSiluGradient(x.baseAddress, g.baseAddress, $0.baseAddress, Int64($0.count)) }
            }
        }
        let mismatches = Self.inputs.indices.filter { gx[$0].bitPattern != expected[$0].bitPattern }
        #expect(mismatches.isEmpty, "\(isa) hard-silu gradient at \(mismatches.prefix(3).map { Self.inputs[$0] })")
    }

    @Test func valuesAreWithinRoundingOfTheExactFunctions() {
        for x in Self.inputs {
            let exactSigmoid = 1 / (1 + exp(-Double(x)))
            #expect(abs(Double(Sigmoid().value(x)) - exactSigmoid) <= 2.5e-7 * max(exactSigmoid, 1e-30) + 1e-37, "sigmoid(\(x))")
            #expect(abs(Double(Tanh().value(x)) - tanh(Double(x))) <= 3.5e-7, "tanh(\(x))")
            let exactSwish = Double(x) * exactSigmoid
            #expect(abs(Double(Swish().value(x)) - exactSwish) <= 3.5e-7 * abs(exactSwish) + 1e-35, "swish(\(x))")
        }
    }
}
