import Foundation

/// What a `.npy` file holds and where its data starts, checked against the file's real size before anything is
/// allocated.
struct NumPyLayout: Sendable {
    let type: NumPyType
    let shape: [Int]
    let count: Int
    let dataStart: Int

    /// Reads the header of `data`, the whole file; `name` is used in error messages.
    init(_ data: Data, name: String) throws(NumPyError) {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, Array(bytes[0..<6]) == NumPyFile.magic else {
            throw NumPyError(file: name, "not a NumPy .npy file (bad magic bytes)")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else { throw NumPyError(file: name, "unsupported .npy version \(major)") }
        let lengthBytes = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { throw NumPyError(file: name, "the header is truncated") }
        let headerLength = bytes[8..<(8 + lengthBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let dataStart = 8 + lengthBytes + headerLength
        guard dataStart <= data.count else { throw NumPyError(file: name, "the header claims \(headerLength) bytes, past the end of the file") }
        guard let header = String(data: data.subdata(in: (8 + lengthBytes)..<dataStart), encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw NumPyError(file: name, "the header is not text")
        }
        let description = try NumPyHeader(header, file: name)
        let count = try description.elementCount(file: name)
        let available = data.count - dataStart
        guard count <= available / description.type.size, count * description.type.size == available else {
            // The declared size is reported as the header states it; it may not fit in an Int.
            let (bytes, overflow) = count.multipliedReportingOverflow(by: description.type.size)
            let declared = overflow ? "more than \(Int.max) bytes" : "\(bytes) bytes"
            throw NumPyError(file: name, "the header declares shape \(description.shape) of \(description.type.name) (\(declared)) but the file holds \(available) bytes of data")
        }
        type = description.type
        shape = description.shape
        self.count = count
        self.dataStart = dataStart
    }
}
