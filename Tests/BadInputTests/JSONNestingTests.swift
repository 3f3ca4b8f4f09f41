@testable import KerasLensGraph
@testable import KerasLensKeras
@testable import KerasLensNative
@testable import KerasLensONNX
import Testing

/// The nesting bound that keeps a hostile document away from Foundation's recursive parser.
@Suite struct JSONNestingTests {
    @Test func countsOnlyBracketsOutsideStrings() {
        let deepInString = "{\"name\": \"" + String(repeating: "[", count: 1000) + "\\\"]\"}"
        #expect(!JSONNesting.isTooDeep(Array(deepInString.utf8)))
        #expect(!JSONNesting.isTooDeep(Array((String(repeating: "[", count: 256) + String(repeating: "]", count: 256)).utf8)))
        #expect(JSONNesting.isTooDeep(Array((String(repeating: "[", count: 257) + String(repeating: "]", count: 257)).utf8)))
    }

    @Test func deepGraphMetadataIsRefused() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            _ = try JSONValue.parse(deep)
        } throws: { error in
            "\(error)".contains("more than 256 levels deep")
        }
    }
}
