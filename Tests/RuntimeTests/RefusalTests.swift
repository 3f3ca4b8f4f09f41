import KerasLensGraph
import KerasLens
import Testing

/// Files KerasLens must refuse, each with a message naming the layer, its class and the reason.
@Suite struct RefusalTests {
    @Test(arguments: FixtureManifest.shared.refuse ?? [])
    func refusedWithAClearMessage(_ record: FixtureManifest.Refusal) throws {
        let path = FixtureManifest.path(record.file)
        #expect {
            try KerasImporter.load(path: path)
        } throws: { error in
            guard let error = error as? GraphError else { return false }
            let text = error.description
            return text.contains(record.file.split(separator: "/").last.map(String.init) ?? record.file)
                && (record.layer.map { text.contains("'\($0)'") } ?? true)
                && (record.class.map { text.contains($0) } ?? true)
        }
    }

    @Test func refusalsAreRecorded() {
        let files = (FixtureManifest.shared.refuse ?? []).map(\.file)
        for expected in ["refuse/lstm.h5", "refuse/weights_only.h5", "refuse/subclassed.keras"] {
            #expect(files.contains(expected))
        }
    }
}
