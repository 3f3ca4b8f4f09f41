import Testing
import KerasLensXAI

@Suite struct OtsuTests {
    @Test(arguments: SupportFixtures.shared.otsu)
    func matchesScikitImage(_ fixture: SupportFixtures.OtsuCase) throws {
        let values = try SupportFixtures.array(fixture.input).scalars
        let ours = Otsu.threshold(values)
        print("otsu \(fixture.name): ours \(ours), skimage \(Float(fixture.threshold))")
        #expect(ours == Float(fixture.threshold))
    }

    @Test func handChecked() {
        // Two values, 0 and 1: every split between their bins has the same variance, and the first wins — the
        // centre of bin 0, (0 + 1/256) / 2.
        #expect(Otsu.threshold([0, 0, 0, 1, 1, 1]) == Float(1) / 512)
        #expect(Otsu.threshold([0.25, 0.25, 0.25]) == 0.25)
        // Clusters around 0.115 and 0.81: bins 0.72/256 wide from 0.1, the best split is after 0.13's bin
        // (0.03/0.72·256 = 10.7 → bin 10), whose centre 0.1 + 10.5·0.0028125 = 0.12953125 is the threshold — just
        // below 0.13 itself, as in skimage.
        #expect(abs(Otsu.threshold([0.1, 0.12, 0.11, 0.13, 0.8, 0.82, 0.81]) - 0.12953125) < 1e-6)
    }
}
