import Foundation

extension InputRows {
    /// A digest of what the input holds, cheap enough for every shard to take on a set of any size: the sample
    /// count, then each image's name (below the input) and byte size, or a `.npy`'s byte size with its first and
    /// last MiB (header included). It tells different sets apart, not one pixel changed in the middle of a file.
    func fingerprint() throws -> String {
        var hash = ContentHash()
        hash.add("\(count) samples")
        switch source {
        case .images(let rows):
            for file in rows.images.files {
                hash.add(String(file.dropFirst(file.hasPrefix(path) ? path.count : 0)))
                hash.add(String(try byteSize(file)))
            }
        case .array(let file, _):
            let size = try byteSize(file.path)
            hash.add(String(size))
            let mebibyte: UInt64 = 1 << 20
            try hash.add(file: file.path, option: option, length: mebibyte)
            if size > mebibyte { try hash.add(file: file.path, option: option, from: max(mebibyte, size - mebibyte)) }
        }
        return "\(count) samples, \(hash.hex)"
    }

    private func byteSize(_ file: String) throws -> UInt64 {
        do {
            return (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.uint64Value ?? 0
        } catch {
            throw InputError("\(option): cannot read \(file): \(error.localizedDescription)")
        }
    }
}
