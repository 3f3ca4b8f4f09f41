import Foundation
import KerasLensGraph
import Testing

/// A grouped convolution is, group by group, the plain convolution of that group's input channels with its band of
/// output columns; checked against that definition (runtime's own plain convolution), one sample at a time and in a
/// batch. Keras's own numbers are checked by the zoo model `grouped_convolution_blocks` (ParityTests).
@Suite struct GroupedConvolutionTests {
    func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 31 + seed * 7))) }
    }

    /// Channels `range` of a channels-last tensor.
    func channels(_ t: Tensor, _ range: Range<Int>) -> Tensor {
        let width = t.shape.last!, rows = t.scalars.count / width
        let scalars = (0..<rows).flatMap { row in range.map { t.scalars[row * width + $0] } }
        return Tensor(shape: Array(t.shape.dropLast()) + [range.count], scalars: scalars)
    }

    @Test(arguments: [(groups: 2, channels: 4, filters: 6, window: window([3, 3], strides: [2, 2], .same)),
                      (groups: 3, channels: 6, filters: 3, window: window([2, 3], dilations: [2, 1], .valid)),
                      (groups: 4, channels: 8, filters: 8, window: window([1, 1], .valid))])
    func equalsPlainConvolutionPerGroup(_ c: (groups: Int, channels: Int, filters: Int, window: Window)) throws {
        let batch = 3, perGroupIn = c.channels / c.groups, band = c.filters / c.groups
        let input = Tensor(shape: [batch, 7, 6, c.channels], scalars: values(batch * 42 * c.channels, seed: 1))
        let kernel = Tensor(shape: c.window.size + [perGroupIn, c.filters],
                            scalars: values(c.window.size.reduce(1, *) * perGroupIn * c.filters, seed: 2))
        let bias = Tensor(shape: [c.filters], scalars: values(c.filters, seed: 3))
        let weights = ["kernel": kernel, "bias": bias]
        let grouped = try runOp(.groupedConvolution(window: c.window, groups: c.groups, activation: .relu), input: input,
                                weights: weights)
        for group in 0..<c.groups {
            let columns = group * band..<(group + 1) * band
            let plain = try runOp(.convolution(window: c.window, activation: .relu), input: channels(input, group * perGroupIn..<(group + 1) * perGroupIn),
                                  weights: ["kernel": channels(kernel, columns), "bias": channels(bias, columns)])
            expectClose(channels(grouped, columns), plain, "group \(group)")
        }
        let first = try runOp(.groupedConvolution(window: c.window, groups: c.groups, activation: .relu),
                              input: Tensor(shape: [1] + input.shape.dropFirst(), scalars: Array(input.scalars.prefix(input.scalars.count / batch))),
                              weights: weights)
        #expect(first.scalars == Array(grouped.scalars.prefix(first.scalars.count)), "results do not depend on the batch size")
    }

    @Test func kernelThatDoesNotSplitIntoGroupsIsRefused() {
        #expect(throws: GraphError.self) {
            try runOp(.groupedConvolution(window: window([3], .same), groups: 2, activation: .linear),
                      input: tensor([1, 4, 4], Array(repeating: 0, count: 16)), weights: ["kernel": tensor([3, 4, 2], Array(repeating: 1, count: 24))])
        }
    }
}
