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
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

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
        let layout = try NumPyLayout(data, name: name)
        let scalars = data.withUnsafeBytes { raw in
            layout.type.decode(UnsafeRawBufferPointer(rebasing: raw[layout.dataStart...]), count: layout.count)
        }
        return Tensor(shape: layout.shape, scalars: scalars)
    }

    /// Writes a float32 little-endian C-order `.npy` (version 1.0), atomically: a reader never sees half a file.
    public static func write(_ tensor: Tensor, to path: String) throws(NumPyError) {
        var data = header(shape: tensor.shape)
        appendScalars(tensor.scalars, to: &data)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NumPyError(file: path, "cannot write the file (\(error.localizedDescription))")
        }
    }

    /// The magic, version 1.0 and the header of a float32 C-order array, padded to 64 bytes.
    static func header(shape: [Int]) -> Data {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        let unpadded = magic.count + 4 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: header.utf8)
        return data
    }

    static func appendScalars(_ scalars: [Float], to data: inout Data) {
        scalars.withUnsafeBufferPointer { buffer in
            for value in buffer { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
    }
}
