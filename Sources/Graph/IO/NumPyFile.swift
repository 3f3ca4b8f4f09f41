import Foundation

/// Why a `.npy` file could not be read or written.
public struct NumPyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var detail: String

    public init(file: String, _ detail: String) {
        self.file = file
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}

/// NumPy's `.npy` format (versions 1–3): numeric arrays in C order, read into Float32 tensors.
public enum NumPyFile {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    public static func read(path: String) throws(NumPyError) -> Tensor {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw NumPyError(file: path, "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, name: path)
    }

    /// Parses the bytes of a `.npy` file; `name` is used in error messages.
    public static func decode(_ data: Data, name: String) throws(NumPyError) -> Tensor {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
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
        let scalars = data.withUnsafeBytes { raw in
            description.type.decode(UnsafeRawBufferPointer(rebasing: raw[dataStart...]), count: count)
        }
        return Tensor(shape: description.shape, scalars: scalars)
    }

    /// Writes a float32 little-endian C-order `.npy` (version 1.0), atomically: a reader never sees half a file.
    public static func write(_ tensor: Tensor, to path: String) throws(NumPyError) {
        let shape = tensor.shape.map(String.init).joined(separator: ", ") + (tensor.rank == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape)), }"
        let unpadded = magic.count + 4 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: header.utf8)
        tensor.scalars.withUnsafeBufferPointer { buffer in
            for value in buffer { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NumPyError(file: path, "cannot write the file (\(error.localizedDescription))")
        }
    }
}
