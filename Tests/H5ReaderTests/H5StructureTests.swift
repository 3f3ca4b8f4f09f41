import Testing
@testable import KerasLensH5Reader

@Suite struct H5StructureTests {
    let file: H5File
    let strings: H5File

    init() throws {
        file = try H5File(path: Cases.path("datasets.h5"))
        strings = try H5File(path: Cases.path("strings.h5"))
    }

    @Test(arguments: ["/", "", "/float", "/float/f4", "float/f4", "/ordered/alpha/leaf", "//float//f4/"])
    func existingObjects(path: String) {
        #expect(file.exists(path))
    }

    @Test(arguments: ["/nope", "/float/nope", "/nope/deeper/still", "/float/f4/below_a_dataset"])
    func missingObjects(path: String) {
        #expect(!file.exists(path))
        #expect(!file.isGroup(path) && !file.isDataset(path))
    }

    @Test func groupsAndDatasetsAreTold() {
        #expect(file.isGroup("/") && file.isGroup("/float") && !file.isDataset("/float"))
        #expect(file.isDataset("/float/f2") && !file.isGroup("/float/f2"))
    }

    @Test func childrenComeInCreationOrderWhenTracked() throws {
        #expect(try file.children(of: "/ordered") == ["zeta", "alpha", "mid"])
    }

    @Test func childrenComeInNameOrderOtherwise() throws {
        #expect(try file.children(of: "/unordered") == ["alpha", "mid", "zeta"])
        #expect(try file.children(of: "/float") == ["f2", "f4", "f8"])
        #expect(try file.children(of: "/ordered/mid") == [])
    }

    @Test func childrenOfAMissingGroupOrADataset() {
        let missing = #expect(throws: H5Error.self) { try file.children(of: "/nope") }
        #expect(missing?.kind == .missingObject)
        #expect(missing?.description == "\(file.name): /nope: no such group")
        let dataset = #expect(throws: H5Error.self) { try file.children(of: "/scalar") }
        #expect(dataset?.kind == .wrongType)
    }

    @Test func attributeNamesInNameOrder() throws {
        #expect(try strings.attributeNames(of: "/d") == ["scale", "unit"])
        #expect(try strings.attributeNames(of: "/") == ["root_note"])
        let names = try strings.attributeNames(of: "/g")
        #expect(names == names.sorted() && names.contains("names10") && names.contains("vlen_one"))
        #expect(try file.attributeNames(of: "/float") == [])
        let error = #expect(throws: H5Error.self) { try strings.attributeNames(of: "/nope") }
        #expect(error?.kind == .missingObject)
    }

    @Test func hasAttribute() {
        #expect(strings.hasAttribute("unit", at: "/d"))
        #expect(strings.hasAttribute("root_note", at: "/"))
        #expect(!strings.hasAttribute("nope", at: "/d"))
        #expect(!strings.hasAttribute("unit", at: "/nope/deeper"))
    }
}
