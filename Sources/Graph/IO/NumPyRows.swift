import Foundation

/// A `.npy` array read a range of rows (first-axis entries) at a time, so that a set larger than memory can be
/// worked through in pieces: only the header is read when it opens.
public struct NumPyRows: Sendable {
    public let path: String
    /// The array's shape; `shape[0]` rows.
    public let shape: [Int]
    private let layout: NumPyLayout

    public init(path: String) throws(NumPyError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw NumPyError(file: path, "cannot read the file (\(error.localizedDescription))")
        }
        layout = try NumPyLayout(data, name: path)
        guard !layout.shape.isEmpty else { throw NumPyError(file: path, "the array is a scalar; expected rows (N, …)") }
        self.path = path
        shape = layout.shape
    }

    public var rowCount: Int { shape[0] }

    /// Rows `range`, as a tensor shaped `(range.count, shape[1...])`.
    public func read(_ range: Range<Int>) throws(NumPyError) -> Tensor {
        guard range.lowerBound >= 0, range.upperBound <= rowCount else {
            throw NumPyError(file: path, "rows \(range.lowerBound)..<\(range.upperBound) are outside the array's \(rowCount) rows")
        }
        let rowElements = shape.dropFirst().reduce(1, *)
        let rowBytes = rowElements * layout.type.size
        let bytes: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(layout.dataStart + range.lowerBound * rowBytes))
            bytes = try handle.read(upToCount: range.count * rowBytes) ?? Data()
        } catch {
            throw NumPyError(file: path, "cannot read rows \(range.lowerBound)..<\(range.upperBound) (\(error.localizedDescription))")
        }
        guard bytes.count == range.count * rowBytes else {
            throw NumPyError(file: path, "the file ended at row \(range.lowerBound + bytes.count / max(rowBytes, 1)); it changed after it was opened")
        }
        let scalars = bytes.withUnsafeBytes { layout.type.decode($0, count: range.count * rowElements) }
        return Tensor(shape: [range.count] + shape.dropFirst(), scalars: scalars)
    }
}
