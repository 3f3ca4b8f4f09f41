import Foundation
import Testing
import TestSupport

/// `--class-names` as a list or a file (lines or Keras's imagenet_class_index.json), and `predict --top K`.
@Suite struct ClassNamesCommandTests {
    static let model = CLIRunner.fixtures.appendingPathComponent("zoo/preprocessing.k2.h5").path
    static let input = CLIRunner.fixtures.appendingPathComponent("images/rgb_41x27.jpg").path

    @Test func topClassesAreNamedFromAClassIndex() throws {
        let folder = try ScratchFolder.make()
        let index = folder.appendingPathComponent("index.json")
        try Data(#"{"0": ["n0", "zero"], "1": ["n1", "one"], "2": ["n2", "two"], "3": ["n3", "three"]}"#.utf8).write(to: index)
        let named = try CLIRunner.run(["predict", Self.model, "--input", Self.input, "--top", "4", "--class-names", index.path])
        #expect(named.status == 0, "\(named.stderr)")
        let fields = named.stdout.trimmingCharacters(in: .newlines).split(separator: "\t")
        #expect(fields.count == 5)
        #expect(fields[0] == "0")
        #expect(Set(fields.dropFirst().map { String($0.split(separator: " ")[0]) }) == ["zero", "one", "two", "three"])
        let scores = fields.dropFirst().map { Double($0.split(separator: " ")[1])! }
        #expect(scores == scores.sorted(by: >))

        let lines = folder.appendingPathComponent("names.txt")
        try Data("zero\none\ntwo\nthree\n".utf8).write(to: lines)
        let fromLines = try CLIRunner.run(["predict", Self.model, "--input", Self.input, "--top", "4", "--class-names", lines.path])
        #expect(fromLines.stdout == named.stdout)
        let fromList = try CLIRunner.run(["predict", Self.model, "--input", Self.input, "--top", "4", "--class-names", "zero,one,two,three"])
        #expect(fromList.stdout == named.stdout)
    }

    @Test func aBrokenClassIndexIsRefused() throws {
        let index = try ScratchFolder.make().appendingPathComponent("index.json")
        try Data(#"{"0": ["n0", "zero"], "2": ["n2", "two"]}"#.utf8).write(to: index)
        let result = try CLIRunner.run(["predict", Self.model, "--input", Self.input, "--class-names", index.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("class 1 is missing"))
        let zero = try CLIRunner.run(["predict", Self.model, "--input", Self.input, "--top", "0"])
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("--top must be positive"))
    }
}
