import Foundation
import KerasLensGraph
import Testing

/// The transposed convolution against its definition written out as loops (each input position adds
/// `kernel[k] · x[i]` at output position `i·stride + k·dilation − padBefore`), on strides, dilations, both paddings
/// and output paddings that reach past the full result; and a sample's result alone equals its result in a batch.
/// Keras's own numbers are checked by the zoo models `conv_transpose_1d`, `conv_transpose_2d`,
/// `conv_transpose_dilated` and `unet` (ParityTests).
@Suite struct TransposedConvolutionTests {
    func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 31 + seed * 7))) }
    }

    /// The definition, in Double, for a 2-D window (1-D as height 1).
    func reference(_ input: Tensor, kernel: Tensor, bias: Tensor?, window: Window, output: [Int]) -> Tensor {
        let batch = input.shape[0], spatial = Array(input.shape.dropFirst().dropLast()), channels = input.shape.last!
        let filters = kernel.shape[window.rank]
        let twoD = window.rank == 2
        let (inH, inW) = twoD ? (spatial[0], spatial[1]) : (1, spatial[0])
        let (outH, outW) = twoD ? (output[0], output[1]) : (1, output[0])
        let (kH, kW) = twoD ? (window.size[0], window.size[1]) : (1, window.size[0])
        let (sH, sW) = twoD ? (window.strides[0], window.strides[1]) : (1, window.strides[0])
        let (dH, dW) = twoD ? (window.dilations[0], window.dilations[1]) : (1, window.dilations[0])
        let padTop = twoD ? window.transposedPadBefore(axis: 0, input: inH, output: outH) : 0
        let padLeft = window.transposedPadBefore(axis: window.rank - 1, input: inW, output: outW)
        var result = [Double](repeating: 0, count: batch * outH * outW * filters)
        for n in 0..<batch {
            for y in 0..<outH { for x in 0..<outW { for f in 0..<filters {
                result[((n * outH + y) * outW + x) * filters + f] = Double(bias?.scalars[f] ?? 0)
            } } }
            for i in 0..<inH { for j in 0..<inW { for ky in 0..<kH { for kx in 0..<kW {
                let oy = i * sH + ky * dH - padTop, ox = j * sW + kx * dW - padLeft
                guard oy >= 0, oy < outH, ox >= 0, ox < outW else { continue }
                for f in 0..<filters { for c in 0..<channels {
                    let w = kernel.scalars[((ky * kW + kx) * filters + f) * channels + c]
                    result[((n * outH + oy) * outW + ox) * filters + f] +=
                        Double(w) * Double(input.scalars[((n * inH + i) * inW + j) * channels + c])
                } }
            } } } }
        }
        return Tensor(shape: [batch] + output + [filters], scalars: result.map(Float.init))
    }

    @Test(arguments: [(window([3, 3], strides: [2, 2], .same), [1, 1]),
                      (window([4, 2], strides: [2, 3], .same), [2, 3]),
                      (window([3, 2], strides: [3, 2], .valid), [2, 1]),
                      (window([3, 3], dilations: [2, 3], .same), [1, 1]),
                      (window([2, 3], dilations: [2, 2], .valid), [0, 0]),
                      (window([1, 1], strides: [3, 2], .same), [3, 1]),
                      (window([5], strides: [2], .same), [1]),
                      (window([2], strides: [3], .valid), [2])])
    func equalsTheDefinition(_ c: (window: Window, outputPadding: [Int])) throws {
        let batch = 3, spatial = c.window.rank == 2 ? [4, 5] : [6], channels = 3, filters = 2
        let count = batch * spatial.reduce(1, *) * channels
        let input = Tensor(shape: [batch] + spatial + [channels], scalars: values(count, seed: 1))
        let kernel = Tensor(shape: c.window.size + [filters, channels],
                            scalars: values(c.window.size.reduce(1, *) * filters * channels, seed: 2))
        let bias = Tensor(shape: [filters], scalars: values(filters, seed: 3))
        let op = Op.transposedConvolution(window: c.window, outputPadding: c.outputPadding, activation: .linear)
        let result = try runOp(op, input: input, weights: ["kernel": kernel, "bias": bias])
        let output = c.window.transposedOutputSpatial(spatial, outputPadding: c.outputPadding)
        expectClose(result, reference(input, kernel: kernel, bias: bias, window: c.window, output: output))
        let first = try runOp(op, input: Tensor(shape: [1] + input.shape.dropFirst(), scalars: Array(input.scalars.prefix(count / batch))),
                              weights: ["kernel": kernel, "bias": bias])
        #expect(first.scalars == Array(result.scalars.prefix(first.scalars.count)), "results do not depend on the batch size")
    }

    @Test func kernelWithOtherInputChannelsIsRefused() {
        // [k, out, in] = [3, 2, 4] over 3 input channels: the kernel's last axis must be the input's channels.
        #expect(throws: GraphError.self) {
            try runOp(.transposedConvolution(window: window([3], .same), outputPadding: [0], activation: .linear),
                      input: tensor([1, 4, 3], Array(repeating: 0, count: 12)), weights: ["kernel": tensor([3, 2, 4], Array(repeating: 1, count: 24))])
        }
    }

    @Test func outputPaddingAboveTheStrideIsRefused() {
        #expect(throws: GraphError.self) {
            try runOp(.transposedConvolution(window: window([3], strides: [2], .same), outputPadding: [3], activation: .linear),
                      input: tensor([1, 4, 1], Array(repeating: 0, count: 4)), weights: ["kernel": tensor([3, 1, 1], [1, 1, 1])])
        }
    }
}
