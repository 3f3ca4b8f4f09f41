import CHDF5
import Foundation

/// Decodes every string form Keras has written: variable- and fixed-length; NULLTERM, NULLPAD and SPACEPAD
/// padding; ASCII and UTF-8 character sets; scalars and arrays (flattened in row-major order).
///
/// Bytes are decoded as UTF-8 whatever the declared character set (h5py stores UTF-8 bytes in "ASCII"
/// strings); bytes that are not valid UTF-8 are refused with `.wrongType` rather than silently replaced.
enum H5Strings {
    static func read(_ value: borrowing H5Value, expected: String) throws(H5Error) -> [String] {
        guard value.typeClass == H5T_STRING else {
            throw value.location.error(.wrongType, "expected \(expected), found \(H5TypeDescription.of(value.type))")
        }
        let shape = try value.shape()
        guard shape.count > 0 else { return [] }
        // Variable-length strings take at least a pointer's size each in the file too (a heap reference).
        if H5Tis_variable_str(value.type) > 0 { try value.checkStorage(shape) }
        let byteStrings = H5Tis_variable_str(value.type) > 0
            ? try readVariableLength(value, count: shape.count)
            : try readFixedLength(value, shape: shape)
        var strings: [String] = []
        for (index, bytes) in byteStrings.enumerated() {
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw value.location.error(.wrongType, "string \(index) is not valid UTF-8")
            }
            strings.append(string)
        }
        return strings
    }

    private static func readVariableLength(_ value: borrowing H5Value, count: Int) throws(H5Error) -> [[UInt8]] {
        let memoryType = H5Tcopy(kl_H5T_C_S1())
        defer { H5Tclose(memoryType) }
        guard H5Tset_size(memoryType, kl_H5T_VARIABLE()) >= 0,
              H5Tset_cset(memoryType, H5Tget_cset(value.type)) >= 0 else {
            throw value.location.libraryError(.readFailed, "cannot set up a variable-length string type")
        }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        // Frees whatever libhdf5 allocated, even after a failed read (null pointers are skipped).
        defer { H5Dvlen_reclaim(memoryType, value.space, kl_H5P_DEFAULT(), &pointers) }
        try value.read(as: memoryType, into: &pointers)
        return pointers.map { pointer in
            guard let pointer else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        }
    }

    private static func readFixedLength(_ value: borrowing H5Value, shape: H5Shape) throws(H5Error) -> [[UInt8]] {
        try value.checkStorage(shape)
        let size = H5Tget_size(value.type)
        guard size > 0 else { throw value.location.libraryError(.readFailed, "cannot read its string length") }
        // A fixed-length string type is its own memory type: no byte order, nothing to convert.
        var bytes = [UInt8](repeating: 0, count: shape.count * size)
        try value.read(as: value.type, into: &bytes)
        let spacePadded = H5Tget_strpad(value.type) == H5T_STR_SPACEPAD
        return stride(from: 0, to: bytes.count, by: size).map { start in
            var string = bytes[start..<start + size].prefix { $0 != 0 }
            if spacePadded {
                while string.last == UInt8(ascii: " ") { string.removeLast() }
            }
            return Array(string)
        }
    }
}
