import KerasLensGraph
import Testing

@Suite struct PoolingTests {
    let signal = tensor([1, 5, 1], [1, 5, 2, -3, 4])

    @Test func maxSameIgnoresPadding() throws {
        let y = try runOp(.pool(kind: .max, window: window([2], strides: [2], .same)), input: signal)
        expectClose(y, tensor([1, 3, 1], [5, 2, 4]))
    }

    @Test func averageSameExcludesPaddingFromTheCount() throws {
        let y = try runOp(.pool(kind: .average, window: window([2], strides: [2], .same)), input: signal)
        expectClose(y, tensor([1, 3, 1], [3, -0.5, 4]))
    }

    @Test func maxValid2D() throws {
        let y = try runOp(.pool(kind: .max, window: window([2, 2], strides: [2, 2], .valid)),
                          input: tensor([1, 3, 3, 1], (1...9).map(Float.init)))
        expectClose(y, tensor([1, 1, 1, 1], [5]))
    }

    @Test func globalAverageAndMax() throws {
        let x = tensor([1, 2, 2, 2], [1, 10, 2, 20, 3, 30, 4, 40])
        expectClose(try runOp(.globalPool(kind: .average, keepDims: false), input: x), tensor([1, 2], [2.5, 25]))
        expectClose(try runOp(.globalPool(kind: .max, keepDims: true), input: x), tensor([1, 1, 1, 2], [4, 40]))
    }
}
