@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import Testing

/// The pass rule `|a − e| ≤ atol + rtol·|e|` and what it reports.
@Suite struct OutputComparisonTests {
    func compare(_ actual: [Float], _ expected: [Float], shape: [Int]? = nil, atol: Float = 1e-5, rtol: Float = 1e-4) throws -> OutputComparison {
        let shape = shape ?? [actual.count]
        return try OutputComparison(actual: Tensor(shape: shape, scalars: actual), expected: Tensor(shape: shape, scalars: expected),
                                    atol: atol, rtol: rtol)
    }

    @Test func equalTensorsPass() throws {
        let result = try compare([1, 2, 3, 0], [1, 2, 3, 0])
        #expect(result.passed)
        #expect(result.failures == 0)
        #expect(result.maxAbsoluteError == 0)
        #expect(result.maxRelativeError == 0)
    }

    @Test func toleranceScalesWithTheExpectedValue() throws {
        // 1000 · 1e-4 + 1e-5 allows 0.10001 at 1000, but only 1e-5 + 1e-4 at 1.
        #expect(try compare([1000.05], [1000]).passed)
        #expect(!(try compare([1.05], [1])).passed)
    }

    @Test func reportsTheWorstElementAsAnIndex() throws {
        let result = try compare([0, 0, 0, 0, 0.5, 0], [0, 0, 0, 0, 0, 0.001], shape: [2, 3])
        #expect(result.failures == 2)
        #expect(result.worstIndex == [1, 1])
        #expect(result.worstActual == 0.5)
        #expect(result.worstExpected == 0)
        #expect(result.maxAbsoluteError == 0.5)
        // Zero expected values are left out of the relative error; 0.001 vs 0 is 100 %.
        #expect(result.maxRelativeError == 1)
    }

    @Test func nanNeverPasses() throws {
        let result = try compare([.nan, 1], [.nan, 1])
        #expect(result.failures == 1)
        #expect(result.worstIndex == [0])
        #expect(result.maxAbsoluteError.isNaN)
    }

    @Test func zeroTolerancesMeanBitEquality() throws {
        #expect(try compare([1, 2], [1, 2], atol: 0, rtol: 0).passed)
        #expect(!(try compare([1, 2], [1, 2.0000002], atol: 0, rtol: 0)).passed)
    }

    @Test func differentShapesAreRefused() throws {
        let error = #expect(throws: GraphError.self) {
            try OutputComparison(actual: Tensor(zeros: [2, 3]), expected: Tensor(zeros: [3, 2]), atol: 0, rtol: 0)
        }
        #expect(error?.kind == .shape)
        #expect(error?.description.contains("[2, 3]") == true)
        #expect(error?.description.contains("[3, 2]") == true)
    }
}
