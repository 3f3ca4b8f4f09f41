import Foundation

/// libhdf5 1.10 (Debian 12's) trusts the global heap, where HDF5 keeps variable-length strings such as Keras's
/// `model_config`: it copies an object of whatever size the file declares (a wild `memcpy` that crashes the process)
/// and can spin for minutes walking a collection whose sizes lie — both found by the FuzzKerasHDF5 target. So before
/// libhdf5 sees a file, every global heap collection in it is walked here with bounds checks: the collection must lie
/// inside the file and each object inside its collection. A collection is recognised by its signature `GCOL`, version
/// 1 and three zero bytes (a chance of 2⁻⁵⁶ per byte offset for weight data to look like one).
enum H5GlobalHeapCheck {
    /// Checks `file`, the whole file's bytes; `name` labels errors.
    static func check(_ file: some ContiguousBytes, name: String) throws(H5Error) {
        let failure: H5Error? = file.withUnsafeBytes { bytes in
            do throws(H5Error) {
                try scan(bytes, name: name)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    private static func scan(_ bytes: UnsafeRawBufferPointer, name: String) throws(H5Error) {
        guard let base = bytes.baseAddress, let superblock = H5Signature.offset(in: bytes),
              let lengthSize = lengthSize(bytes, superblock: superblock) else { return }
        let headerSize = 8 + lengthSize
        var offset = 0
        while offset + headerSize <= bytes.count, let found = memchr(base + offset, 0x47, bytes.count - offset) {
            let start = base.distance(to: UnsafeRawPointer(found))
            offset = start + 1
            guard start + headerSize <= bytes.count,
                  bytes[start + 1] == 0x43, bytes[start + 2] == 0x4F, bytes[start + 3] == 0x4C,  // "GCOL"
                  bytes[start + 4] == 1, bytes[start + 5] == 0, bytes[start + 6] == 0, bytes[start + 7] == 0 else { continue }
            try checkCollection(bytes, at: start, lengthSize: lengthSize, name: name)
        }
    }

    private static func checkCollection(_ bytes: UnsafeRawBufferPointer, at start: Int, lengthSize: Int,
                                        name: String) throws(H5Error) {
        func damaged(_ detail: String) -> H5Error {
            H5Location(file: name, path: "").error(.cannotOpen, "global heap collection at byte \(start) is damaged: \(detail)")
        }
        let size = integer(bytes, at: start + 8, width: lengthSize)
        let headerSize = 8 + lengthSize
        guard size >= UInt64(headerSize), size <= UInt64(bytes.count - start) else {
            throw damaged("it declares \(size) bytes, past the end of the file")
        }
        let end = start + Int(size)
        let objectHeaderSize = 8 + lengthSize
        var object = start + headerSize
        // libhdf5's own walk: each object's header then its data padded to 8 bytes, except the free-space object
        // (index 0), whose size counts its header and is not padded; a tail too short for a header is free space.
        while object + objectHeaderSize <= end {
            let index = integer(bytes, at: object, width: 2)
            let objectSize = integer(bytes, at: object + 8, width: lengthSize)
            let available = UInt64(end - object)
            // Bounded first, so that the padding arithmetic below cannot overflow.
            let need = objectSize > available ? objectSize
                : index == 0 ? objectSize : UInt64(objectHeaderSize) + ((objectSize + 7) & ~7)
            guard need > 0, need <= available else {
                throw damaged("object \(index) declares \(objectSize) bytes, which do not fit in the collection")
            }
            object += Int(need)
        }
    }

    /// The superblock's "size of lengths" (2, 4 or 8 bytes); nil for any other value, which libhdf5 refuses too.
    private static func lengthSize(_ bytes: UnsafeRawBufferPointer, superblock: Int) -> Int? {
        guard bytes.count > superblock + 14 else { return nil }
        let size = Int(bytes[superblock + (bytes[superblock + 8] < 2 ? 14 : 10)])
        return [2, 4, 8].contains(size) ? size : nil
    }

    private static func integer(_ bytes: UnsafeRawBufferPointer, at offset: Int, width: Int) -> UInt64 {
        (0..<width).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }
}
