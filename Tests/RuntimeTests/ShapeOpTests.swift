import Graph
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

    @Test func reshapeMustKeepTheCount() {
        #expect(throws: GraphError.self) { try runOp(.reshape(shape: [3]), input: tensor([1, 2], [1, 2])) }
    }
}
