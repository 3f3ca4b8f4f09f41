import Foundation
import KerasLensGraph
import Testing
import TestSupport

/// Reading a `.npy` a range of rows at a time gives the rows the whole file holds.
@Suite struct NumPyRowsTests {
    let path = try! ScratchFolder.make("rows").appendingPathComponent("rows.npy").path
    let array = Tensor(shape: [5, 3, 2], scalars: (0..<30).map { Float($0) * 0.5 - 3 })

    @Test func rangesAreTheFilesRows() throws {
        try NumPyFile.write(array, to: path)
        let rows = try NumPyRows(path: path)
        #expect(rows.shape == [5, 3, 2] && rows.rowCount == 5)
        #expect(try rows.read(0..<5) == array)
        #expect(try rows.read(1..<3) == array.samples(1..<3))
        #expect(try rows.read(4..<5) == array.samples(4..<5))
        #expect(try rows.read(2..<2).shape == [0, 3, 2])
    }

    @Test func rowsOutsideTheArrayAreRefused() throws {
        try NumPyFile.write(array, to: path)
        let rows = try NumPyRows(path: path)
        #expect { try rows.read(3..<6) } throws: { error in
            (error as? NumPyError)?.detail == "rows 3..<6 are outside the array's 5 rows"
        }
    }

    @Test func aFileThatShrankAfterOpeningIsRefused() throws {
        try NumPyFile.write(array, to: path)
        let rows = try NumPyRows(path: path)
        let dataStart = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) - 30 * 4
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(dataStart + 2 * 6 * 4))
        try handle.close()
        #expect { try rows.read(0..<5) } throws: { error in
            (error as? NumPyError)?.detail.contains("the file ended at row 2") == true
        }
    }

    @Test func aScalarHasNoRows() throws {
        try NumPyFile.write(Tensor(shape: [], scalars: [1]), to: path)
        #expect { try NumPyRows(path: path) } throws: { error in
            (error as? NumPyError)?.detail.contains("scalar") == true
        }
    }
}
