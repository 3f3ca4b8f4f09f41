import Testing
import KerasLensXAI

@Suite struct ResamplingTests {
    /// Largest absolute difference, and the largest relative to the reference's own magnitude at that element.
    private func errors(_ ours: [Float], _ reference: [Float]) -> (absolute: Double, relative: Double) {
        var absolute = 0.0, relative = 0.0
        for (a, b) in zip(ours, reference) {
            let difference = abs(Double(a) - Double(b))
            absolute = max(absolute, difference)
            if b != 0 { relative = max(relative, difference / abs(Double(b))) } else if a != 0 { relative = .infinity }
        }
        return (absolute, relative)
    }

    @Test(arguments: SupportFixtures.shared.resampling)
    func matchesReference(_ fixture: SupportFixtures.ResamplingCase) throws {
        let input = try SupportFixtures.array(fixture.input)
        let expected = try SupportFixtures.array(fixture.expected)
        let method = try #require(Upsampling(rawValue: fixture.method))
        let ours = Resampling.resize(input.scalars, shape: fixture.shape, to: fixture.size, method: method)
        try #require(ours.count == expected.count)
        let (absolute, relative) = errors(ours, expected.scalars)
        print("resampling \(fixture.name) vs \(fixture.reference): max abs \(absolute), max rel \(relative)")
        switch method {
        case .spline:
            // scipy's own arithmetic in scipy's order: zeros stay exactly zero, the rest agrees to float rounding.
            #expect(relative <= 1e-6, "\(fixture.name): max relative error \(relative)")
        case .linear:
            // PyTorch computes in float, the scipy reference in double: a few float32 roundings of the map's scale.
            let scale = Double(expected.scalars.map(abs).max() ?? 0)
            #expect(absolute <= 1e-6 * scale, "\(fixture.name): max absolute error \(absolute)")
        case .nearest, .none:
            #expect(ours == expected.scalars)
        }
    }

    @Test func linearHandChecked() {
        #expect(Resampling.resize([0, 1], shape: [2], to: [4], method: .linear) == [0, 0.25, 0.75, 1])
        #expect(Resampling.resize([0, 1, 2, 3], shape: [2, 2], to: [4, 4], method: .linear) == [
            0, 0.25, 0.75, 1,
            0.5, 0.75, 1.25, 1.5,
            1.5, 1.75, 2.25, 2.5,
            2, 2.25, 2.75, 3,
        ])
        // Downsampling 4 → 2 reads half-pixel centres 0.5 and 2.5.
        #expect(Resampling.resize([0, 2, 4, 6], shape: [4], to: [2], method: .linear) == [1, 5])
    }

    @Test func nearestHandChecked() {
        // scale 2/5: floor(0, 0.4, 0.8, 1.2, 1.6)
        #expect(Resampling.resize([7, 9], shape: [2], to: [5], method: .nearest) == [7, 7, 7, 9, 9])
        #expect(Resampling.resize([1, 2, 3, 4], shape: [4], to: [2], method: .nearest) == [1, 3])
        #expect(Resampling.resize([1, 2, 3, 4], shape: [2, 2], to: [2, 4], method: .nearest) == [1, 1, 2, 2, 3, 3, 4, 4])
    }

    @Test func splineInterpolatesTheSamples() {
        // 5 → 9 puts every even output exactly on an input sample (zoom (5−1)/(9−1) = ½); a cubic interpolating
        // spline passes through its samples.
        let samples: [Float] = [0, 3, -1, 4, 2]
        let zoomed = Resampling.resize(samples, shape: [5], to: [9], method: .spline)
        for (i, value) in samples.enumerated() { #expect(abs(zoomed[2 * i] - value) < 1e-6) }
        #expect(zoomed[1] != 1.5, "the odd samples are cubic, not linear")
        // A constant stays constant (the mirror prefilter leaves it alone).
        #expect(Resampling.resize([Float](repeating: 3, count: 12), shape: [3, 4], to: [7, 9], method: .spline).allSatisfy { abs($0 - 3) < 1e-6 })
    }

    @Test func splineZeroesTheSampleRoundingPushesOutside() {
        // 7 · (7/25) rounds above 7 in Double, so scipy's constant mode writes cval = 0 into the last sample.
        let zoomed = Resampling.resize([Float](repeating: 1, count: 8), shape: [8], to: [26], method: .spline)
        #expect(zoomed.dropLast().allSatisfy { abs($0 - 1) < 1e-6 })
        #expect(zoomed.last == 0)
    }

    @Test func equalSizesAndNoneReturnTheInput() {
        let map: [Float] = [0.1, 0.7, 0.3, 0.9, 0.2, 0.4]
        for method in Upsampling.allCases {
            #expect(Resampling.resize(map, shape: [2, 3], to: [2, 3], method: method) == map)
        }
        #expect(Resampling.resize(map, shape: [2, 3], to: [8, 12], method: .none) == map)
    }
}
