import Testing
@testable import KerasLensH5Reader

@Suite struct H5DatasetTests {
    let file: H5File
    let hostile: H5File

    init() throws {
        file = try H5File(path: Cases.path("datasets.h5"))
        hostile = try H5File(path: Cases.path("hostile.h5"))
    }

    @Test(arguments: ["/float/f2", "/float/f4", "/float/f8"])
    func floats(path: String) throws {
        #expect(try file.dataset(path) == H5Array(shape: [2, 3], values: [0.5, -1.25, 3, 1000, -0.0, 65504]))
    }

    @Test(arguments: ["/int/i1", "/int/i2", "/int/i4", "/int/i8"])
    func signedIntegers(path: String) throws {
        #expect(try file.dataset(path) == H5Array(shape: [4], values: [-128, 0, 7, 127]))
    }

    @Test(arguments: ["/uint/u1", "/uint/u2", "/uint/u4", "/uint/u8"])
    func unsignedIntegers(path: String) throws {
        #expect(try file.dataset(path) == H5Array(shape: [4], values: [0, 1, 200, 255]))
    }

    @Test func wideIntegersConvert() throws {
        #expect(try file.dataset("/int/i8_big").values == [-0x1p40, 0x1p40])
    }

    @Test func scalarEmptyAndCompressed() throws {
        #expect(try file.dataset("/scalar") == H5Array(shape: [], values: [2.5]))
        #expect(try file.dataset("/empty") == H5Array(shape: [0, 4], values: []))
        #expect(try file.dataset("/gzip") == H5Array(shape: [100, 10], values: (0..<1000).map(Float.init)))
    }

    @Test(arguments: [
        ("/text", "expected numbers, found a 1-byte fixed-length string"),
        ("/compound", "expected numbers, found a compound type"),
        ("/flags", "expected numbers, found an enumeration"),
        ("/float", "expected a dataset, found a group"),
    ])
    func nonNumbersAreTheWrongType(path: String, detail: String) {
        let error = #expect(throws: H5Error.self) { try file.dataset(path) }
        #expect(error?.kind == .wrongType)
        #expect(error?.description == "\(file.name): \(path): \(detail)")
    }

    @Test func missingDataset() {
        let error = #expect(throws: H5Error.self) { try file.dataset("/float/f16") }
        #expect(error?.kind == .missingObject)
        #expect(error?.description == "\(file.name): /float/f16: no such dataset")
    }

    @Test func ordinaryDatasetBesideHostileOnes() throws {
        #expect(try hostile.dataset("/ok") == H5Array(shape: [4], values: [1, 1, 1, 1]))
    }

    @Test(arguments: [
        ("/unwritten", "(13, 17000000)"),
        ("/over_limit", "(2147483648, 2)"),
        ("/overflow", "(4611686018427387904, 4611686018427387904, 4)"),
    ])
    func declaredShapesBeyondTheDataAreRefused(path: String, shape: String) {
        let error = #expect(throws: H5Error.self) { try hostile.dataset(path) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.path == path)
        #expect(error?.detail.contains(shape) == true)
    }

    /// Written contiguous datasets whose shape was patched larger: once only the dataspace (storage check),
    /// once the layout's size as well (file-size check).
    @Test(arguments: [("/patched_dims", "only 884 are stored"), ("/patched_layout", "but the file has")])
    func patchedShapesAreRefused(path: String, reason: String) {
        let error = #expect(throws: H5Error.self) { try hostile.dataset(path) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.path == path)
        #expect(error?.detail.contains(reason) == true)
    }
}
