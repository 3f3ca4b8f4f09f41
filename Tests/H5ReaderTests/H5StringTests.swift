import Testing
@testable import KerasLensH5Reader

@Suite struct H5StringTests {
    let file: H5File

    init() throws {
        file = try H5File(path: Cases.path("strings.h5"))
    }

    @Test(arguments: [
        ("vlen_ascii_scalar", "hello"),
        ("vlen_utf8_scalar", "h\u{e9}llo \u{2713}"),
        ("vlen_one", "only"),
        ("fixed_nullpad_scalar", "abc"),
        ("fixed_nullterm_scalar", "kernel"),
        ("fixed_nul_inside", "ab"),
        ("fixed_utf8_scalar", "gr\u{fc}\u{df}"),
        ("fixed_one", "single"),
    ])
    func stringAttribute(name: String, expected: String) throws {
        #expect(try file.stringAttribute(name, at: "/g") == expected)
    }

    @Test(arguments: [
        ("vlen_ascii_array", ["a", "bb", ""]),
        ("vlen_utf8_array", ["\u{e9}t\u{e9}", "x"]),
        ("fixed_nullpad_array", ["conv1d", "dense"]),
        ("fixed_nullterm_array", ["ab", "xyz"]),
        ("fixed_spacepad_array", ["ab", "c d"]),
        ("vlen_ascii_scalar", ["hello"]),
        ("fixed_nullpad_scalar", ["abc"]),
        ("empty_float64", []),
        ("null_space", []),
    ])
    func stringArrayAttribute(name: String, expected: [String]) throws {
        #expect(try file.stringArrayAttribute(name, at: "/g") == expected)
    }

    @Test func rootAttribute() throws {
        #expect(try file.stringAttribute("root_note", at: "/") == "at root")
        #expect(try file.stringAttribute("unit", at: "/d") == "m")
    }

    /// Keras's chunks name0 … name11 join in numeric order, so name10 comes after name9, not after name1.
    @Test func chunkedAttributeJoinsInNumericOrder() throws {
        #expect(try file.stringArrayAttribute("names", at: "/g") == (0..<12).map { "n\($0)" })
    }

    @Test func numberIsNotAString() {
        let error = #expect(throws: H5Error.self) { try file.stringAttribute("int_scalar", at: "/g") }
        #expect(error?.kind == .wrongType)
        #expect(error?.description == "\(file.name): /g@int_scalar: expected a string, found a 32-bit integer")
    }

    @Test func nonEmptyNumbersAreNotAStringArray() {
        let error = #expect(throws: H5Error.self) { try file.stringArrayAttribute("float_matrix", at: "/g") }
        #expect(error?.kind == .wrongType)
        #expect(error?.description == "\(file.name): /g@float_matrix: expected a string array, found a 64-bit float")
    }

    @Test func severalStringsAreNotOneString() {
        let error = #expect(throws: H5Error.self) { try file.stringAttribute("vlen_ascii_array", at: "/g") }
        #expect(error?.kind == .badShape)
        #expect(error?.path == "/g@vlen_ascii_array")
    }

    @Test func invalidUTF8IsRefused() {
        let error = #expect(throws: H5Error.self) { try file.stringAttribute("invalid_utf8", at: "/g") }
        #expect(error?.kind == .wrongType)
        #expect(error?.detail.contains("UTF-8") == true)
    }

    @Test func missingAttributeAndMissingObject() {
        let attribute = #expect(throws: H5Error.self) { try file.stringArrayAttribute("nope", at: "/g") }
        #expect(attribute?.kind == .missingAttribute)
        #expect(attribute?.description == "\(file.name): /g@nope: no such attribute")
        let object = #expect(throws: H5Error.self) { try file.stringAttribute("unit", at: "/nope") }
        #expect(object?.kind == .missingObject)
        #expect(object?.path == "/nope@unit")
    }

    @Test func numericAttributes() throws {
        #expect(try file.numericAttribute("float_matrix", at: "/g") == H5Array(shape: [2, 3], values: [1.5, 2, 3, 4, 5, -6]))
        #expect(try file.numericAttribute("int_scalar", at: "/g") == H5Array(shape: [], values: [5]))
        #expect(try file.numericAttribute("uint8_array", at: "/g") == H5Array(shape: [2], values: [0, 255]))
        #expect(try file.numericAttribute("empty_float64", at: "/g") == H5Array(shape: [0], values: []))
        #expect(try file.numericAttribute("null_space", at: "/g") == H5Array(shape: [0], values: []))
        #expect(try file.numericAttribute("scale", at: "/d") == H5Array(shape: [], values: [2]))
    }

    @Test func stringIsNotNumeric() {
        let error = #expect(throws: H5Error.self) { try file.numericAttribute("vlen_utf8_scalar", at: "/g") }
        #expect(error?.kind == .wrongType)
        #expect(error?.detail == "expected numbers, found a variable-length string")
    }
}
