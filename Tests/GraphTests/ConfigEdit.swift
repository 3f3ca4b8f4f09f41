import KerasLensGraph
@testable import KerasLensKeras
import Testing

/// A zoo file's model configuration with one piece of text replaced, and the refusal the importer must give it: a
/// message containing `fragment` (and of `kind`, when given). Several suites check refusals this way.
struct ConfigEdit: Sendable, CustomTestStringConvertible {
    var file: String
    var replace: String
    var with: String
    var kind: GraphError.Kind? = nil
    var fragment: String
    var testDescription: String { fragment }

    func expectRefused() throws {
        let file = try NativeFixtures.zooFile(file)
        let config = try #require(file.modelConfig)
        #expect(config.contains(replace), "the edit must match")
        #expect {
            _ = try KerasImporter.build(file, config: config.replacingOccurrences(of: replace, with: with))
        } throws: { error in
            guard let error = error as? GraphError, kind == nil || error.kind == kind else { return false }
            if !error.description.contains(fragment) { Issue.record("got: \(error.description)") }
            return error.description.contains(fragment)
        }
    }
}
