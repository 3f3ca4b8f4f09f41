import KerasLensGraph
import Testing

@Suite struct ShapeOpTests {
    @Test func flattenKeepsChannelsLastOrder() throws {
        let y = try runOp(.flatten, input: tensor([1, 2, 2], [1, 2, 3, 4]))
        expectClose(y, tensor([1, 4], [1, 2, 3, 4]))
    }

    @Test func permuteSwapsAxes() throws {
        let y = try runOp(.permute(order: [0, 2, 1]), input: tensor([1, 2, 3], [1, 2, 3, 4, 5, 6]))
        expectClose(y, tensor([1, 3, 2], [1, 4, 2, 5, 3, 6]))
    }

    @Test func concatenateOnMiddleAxis() throws {
        let y = try runOp(.concatenate(axis: 1), input: tensor([1, 1, 2], [1, 2]), extraInputs: [tensor([1, 2, 2], [3, 4, 5, 6])])
        expectClose(y, tensor([1, 3, 2], [1, 2, 3, 4, 5, 6]))
    }

    @Test func concatenateOnChannels() throws {
        let y = try runOp(.concatenate(axis: 2), input: tensor([1, 2, 1], [1, 2]), extraInputs: [tensor([1, 2, 1], [3, 4])])
        expectClose(y, tensor([1, 2, 2], [1, 3, 2, 4]))
    }

    @Test func zeroPaddingAsymmetric() throws {
        let y = try runOp(.zeroPadding(pads: [[1, 2]]), input: tensor([1, 2, 1], [7, 8]))
        expectClose(y, tensor([1, 5, 1], [0, 7, 8, 0, 0]))
    }

    /// Two samples of 2-D padding with several channels (rows go over the cores), against the definition.
    @Test func zeroPadding2DOverABatch() throws {
        let (height, width, channels) = (3, 4, 2), x = (0..<(2 * height * width * channels)).map { Float($0 + 1) }
        let y = try runOp(.zeroPadding(pads: [[1, 2], [3, 1]]), input: tensor([2, height, width, channels], x))
        var expected = [Float](repeating: 0, count: 2 * 6 * 8 * channels)
        for sample in 0..<2 {
            for row in 0..<height {
                for column in 0..<width {
                    for channel in 0..<channels {
                        expected[((sample * 6 + row + 1) * 8 + column + 3) * channels + channel] =
                            x[((sample * height + row) * width + column) * channels + channel]
                    }
                }
            }
        }
        #expect(y.shape == [2, 6, 8, channels])
        #expect(y.scalars == expected)
    }

    @Test func cropping2D() throws {
        let y = try runOp(.cropping(crops: [[1, 0], [0, 1]]), input: tensor([1, 2, 3, 1], [1, 2, 3, 4, 5, 6]))
        expectClose(y, tensor([1, 1, 2, 1], [4, 5]))
    }

    @Test func upsamplingNearest() throws {
        let y = try runOp(.upsampling(size: [2, 3]), input: tensor([1, 1, 2, 1], [1, 2]))
        expectClose(y, tensor([1, 2, 6, 1], [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]))
    }

    @Test func mergeKinds() throws {
        let a = tensor([1, 2], [1, 5]), b = tensor([1, 2], [3, 2])
        expectClose(try runOp(.merge(.add), input: a, extraInputs: [b]), tensor([1, 2], [4, 7]))
        expectClose(try runOp(.merge(.subtract), input: a, extraInputs: [b]), tensor([1, 2], [-2, 3]))
        expectClose(try runOp(.merge(.multiply), input: a, extraInputs: [b]), tensor([1, 2], [3, 10]))
        expectClose(try runOp(.merge(.average), input: a, extraInputs: [b]), tensor([1, 2], [2, 3.5]))
        expectClose(try runOp(.merge(.maximum), input: a, extraInputs: [b]), tensor([1, 2], [3, 5]))
        expectClose(try runOp(.merge(.minimum), input: a, extraInputs: [b]), tensor([1, 2], [1, 2]))
    }

    /// [2, 2] with [2, 1] (a value per row) and with [2] (a value per column, expanded in front as Keras does),
    /// over a batch of two samples whose values differ.
    @Test func mergesBroadcast() throws {
        let a = tensor([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])
        let column = tensor([2, 2, 1], [10, 20, 30, 40]), row = tensor([2, 2], [100, 200, 300, 400])
        expectClose(try runOp(.merge(.add), input: a, extraInputs: [column]), tensor([2, 2, 2], [11, 12, 23, 24, 35, 36, 47, 48]))
        expectClose(try runOp(.merge(.subtract), input: column, extraInputs: [a]), tensor([2, 2, 2], [9, 8, 17, 16, 25, 24, 33, 32]))
        expectClose(try runOp(.merge(.multiply), input: a, extraInputs: [row]), tensor([2, 2, 2], [100, 400, 300, 800, 1500, 2400, 2100, 3200]))
        expectClose(try runOp(.merge(.maximum), input: row, extraInputs: [a, column]),
                    tensor([2, 2, 2], [100, 200, 100, 200, 300, 400, 300, 400]))
        expectClose(try runOp(.merge(.minimum), input: a, extraInputs: [column, row]), tensor([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]))
        expectClose(try runOp(.merge(.average), input: a, extraInputs: [column, row]),
                    tensor([2, 2, 2], [37, 212.0 / 3, 41, 224.0 / 3, 335.0 / 3, 436.0 / 3, 347.0 / 3, 448.0 / 3]))
    }

    @Test func mergeRefusesShapesThatDoNotBroadcast() {
        let error = #expect(throws: GraphError.self) {
            try runOp(.merge(.add), input: tensor([1, 2, 3], [1, 2, 3, 4, 5, 6]), extraInputs: [tensor([1, 3, 3], Array(repeating: 0, count: 9))])
        }
        #expect(error?.description.contains("inputs of shapes [[2, 3], [3, 3]] do not broadcast") == true)
    }

    @Test func reshapeMustKeepTheCount() {
        #expect(throws: GraphError.self) { try runOp(.reshape(shape: [3]), input: tensor([1, 2], [1, 2])) }
    }
}
