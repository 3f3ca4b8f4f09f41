import KerasLensGraph
import Testing
import KerasLensXAI

@Suite struct ClassAccuracyTests {
    @Test func countsPerClass() {
        let accuracy = ClassAccuracy(predicted: [0, 1, 1, 2, 2], labels: [0, 1, 2, 2, 1], classes: 3)
        #expect(accuracy.support == [1, 2, 2])
        #expect(accuracy.correct == [1, 1, 1])
        #expect(abs(accuracy.accuracy - 0.6) < 1e-12)
        #expect(accuracy.accuracy(ofClass: 1) == 0.5)
    }

    @Test func labelsFromIdsAndOneHot() {
        #expect(Labels.classIDs(Tensor(shape: [3], scalars: [2, 0, 1])) == [2, 0, 1])
        #expect(Labels.classIDs(Tensor(shape: [2, 3], scalars: [0, 1, 0, 0, 0, 1])) == [1, 2])
        #expect(Labels.classIDs(Tensor(shape: [2], scalars: [0.5, 1])) == nil)
    }
}
