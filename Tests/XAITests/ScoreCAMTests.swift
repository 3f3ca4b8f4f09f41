import Foundation
import KerasLensGraph
import KerasLensRuntime
import KerasLens
import Testing
@testable import KerasLensXAI

/// Score-CAM's masked passes run in batches through the inference plan, and its channel cap (`maxChannels`,
/// tf-keras-vis's `max_N`) is off unless asked for.
@Suite struct ScoreCAMTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let model = try! Model(KerasImporter.load(path: root.appendingPathComponent("Fixtures/MNIST1D.h5").path))
    let inputs = try! NumPyFile.read(path: root.appendingPathComponent("Fixtures/mnist1d_test_x.npy").path).samples(0..<3)

    func explain(_ configure: (inout ExplanationOptions) -> Void = { _ in }) throws -> Explanation {
        var options = ExplanationOptions()
        options.layer = "conv1d_2"
        configure(&options)
        return try ExplanationMethod.scorecam.explain(model, inputs: inputs, options: options)
    }

    @Test func capOfAllChannelsIsTheExactMethod() throws {
        let exact = try explain()
        #expect(try explain { $0.maxChannels = 25 }.maps == exact.maps)
        #expect(try explain { $0.maxChannels = 1000 }.maps == exact.maps)
    }

    @Test func batchSizeDoesNotChangeTheMaps() throws {
        let whole = try explain { $0.batchSize = 64 }
        #expect(try explain { $0.batchSize = 1 }.maps == whole.maps)
        #expect(try explain { $0.batchSize = 7 }.maps == whole.maps)
        #expect(try explain { $0.batchSize = 7; $0.maxChannels = 5 }.maps == explain { $0.maxChannels = 5 }.maps)
    }

    @Test func aCapGivesAnotherMapFromFewerPasses() throws {
        let capped = try explain { $0.maxChannels = 3 }
        #expect(capped.maps != (try explain()).maps)
        #expect(capped.maps.scalars.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    @Test func theCapKeepsTheChannelsThatVaryMost() {
        // Three positions × four channels: standard deviations 0, √(8/3), √(2/3), √(8/3) (channels 1 and 3 tie).
        let activations: [Float] = [5, 0, 1, 2,
                                    5, 2, 2, 4,
                                    5, 4, 3, 6]
        let spread = MapMath.channelDeviations(activations[...], channels: 4)
        #expect(spread[0] == 0)
        #expect(abs(spread[1] - (8.0 / 3).squareRoot()) < 1e-12)
        #expect(ScoreCAM.channels(activations[...], channels: 4, limit: 1) == [1])
        #expect(ScoreCAM.channels(activations[...], channels: 4, limit: 2) == [1, 3])
        #expect(ScoreCAM.channels(activations[...], channels: 4, limit: 3) == [1, 2, 3])
        #expect(ScoreCAM.channels(activations[...], channels: 4, limit: nil) == [0, 1, 2, 3])
    }

    @Test func aCapBelowOneIsRefused() {
        #expect(throws: ExplainError.self) { try explain { $0.maxChannels = 0 } }
    }
}
