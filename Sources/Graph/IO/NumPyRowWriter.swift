import Foundation

/// A float32 `.npy` written a few rows at a time, so that an array larger than memory can be produced in pieces: the
/// header (with the final shape) first, then rows as they come. The rows go to a hidden file beside `path`, renamed
/// to `path` only when every row has arrived, so that a reader never sees half an array.
public final class NumPyRowWriter {
    public let path: String
    public let shape: [Int]
    private let partial: URL
    private let handle: FileHandle
    private var rowsWritten = 0
    private var finished = false

    /// `shape[0]` rows of `shape[1...]` each.
    public init(path: String, shape: [Int]) throws(NumPyError) {
        guard let rows = shape.first, rows >= 0 else { throw NumPyError(file: path, "an array of rows needs a shape (N, …), got \(shape)") }
        self.path = path
        self.shape = shape
        let url = URL(fileURLWithPath: path)
        partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).writing")
        do {
            try NumPyFile.header(shape: shape).write(to: partial)
            handle = try FileHandle(forWritingTo: partial)
            try handle.seekToEnd()
        } catch {
            throw NumPyError(file: path, "cannot write the file (\(error.localizedDescription))")
        }
    }

    deinit {
        try? handle.close()
        if !finished { try? FileManager.default.removeItem(at: partial) }
    }

    /// Appends `rows`, shaped `(n, shape[1...])`.
    public func append(_ rows: Tensor) throws(NumPyError) {
        guard Array(rows.shape.dropFirst()) == Array(shape.dropFirst()), let count = rows.shape.first,
              rowsWritten + count <= shape[0] else {
            throw NumPyError(file: path, "rows shaped \(rows.shape) do not fit the array \(shape) after \(rowsWritten) rows")
        }
        var data = Data()
        NumPyFile.appendScalars(rows.scalars, to: &data)
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw NumPyError(file: path, "cannot write the file (\(error.localizedDescription))")
        }
        rowsWritten += count
    }

    /// Checks that every row came and puts the file in place.
    public func finish() throws(NumPyError) {
        guard rowsWritten == shape[0] else { throw NumPyError(file: path, "\(rowsWritten) of \(shape[0]) rows written") }
        do {
            try handle.close()
        } catch {
            throw NumPyError(file: path, "cannot write the file (\(error.localizedDescription))")
        }
        // rename(2) replaces an existing file in one step.
        guard rename(partial.path, path) == 0 else {
            throw NumPyError(file: path, "cannot write the file (\(String(cString: strerror(errno))))")
        }
        finished = true
    }
}
