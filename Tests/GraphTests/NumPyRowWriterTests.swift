import Foundation
import KerasLensGraph
import Testing
import TestSupport

/// A `.npy` written a few rows at a time is the file `NumPyFile.write` makes of the whole array, and appears only
/// once every row has come.
@Suite struct NumPyRowWriterTests {
    let folder: URL
    let array = Tensor(shape: [5, 3, 2], scalars: (0..<30).map { Float($0) * 0.5 - 3 })

    init() throws { folder = try ScratchFolder.make("writer") }

    @Test func rowsWrittenInPiecesMakeTheWholeFile() throws {
        let whole = folder.appendingPathComponent("whole.npy").path, pieces = folder.appendingPathComponent("pieces.npy").path
        try NumPyFile.write(array, to: whole)
        let writer = try NumPyRowWriter(path: pieces, shape: [5, 3, 2])
        try writer.append(array.samples(0..<2))
        #expect(!FileManager.default.fileExists(atPath: pieces))
        try writer.append(array.samples(2..<5))
        try writer.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: pieces)) == Data(contentsOf: URL(fileURLWithPath: whole)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["pieces.npy", "whole.npy"])
    }

    @Test func rowsThatDoNotFitAndMissingRowsAreRefused() throws {
        let path = folder.appendingPathComponent("short.npy").path
        do {
            let writer = try NumPyRowWriter(path: path, shape: [5, 3, 2])
            #expect(throws: NumPyError.self) { try writer.append(Tensor(shape: [1, 2, 3], scalars: Array(repeating: 0, count: 6))) }
            try writer.append(array.samples(0..<4))
            #expect(throws: NumPyError.self) { try writer.append(array.samples(0..<2)) }
            #expect { try writer.finish() } throws: { ($0 as? NumPyError)?.detail == "4 of 5 rows written" }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "the unfinished file is removed")
    }
}
