/// The 8-byte HDF5 format signature. libhdf5 looks for it at offset 0 and, after a user block, at 512, 1024, ...
enum H5Signature {
    static let bytes: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    static func isPresent(in image: [UInt8]) -> Bool {
        image.withUnsafeBytes { offset(in: $0) != nil }
    }

    /// Where the superblock starts: the first of those offsets that holds the signature.
    static func offset(in image: UnsafeRawBufferPointer) -> Int? {
        var offset = 0
        while offset + bytes.count <= image.count {
            if image[offset..<offset + bytes.count].elementsEqual(bytes) { return offset }
            offset = offset == 0 ? 512 : offset * 2
        }
        return nil
    }
}
