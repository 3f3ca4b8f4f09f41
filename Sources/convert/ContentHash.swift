import Foundation

/// A 64-bit FNV-1a digest, hex: enough to tell two shard runs' files apart (not a defence against forgery).
struct ContentHash {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: Data) {
        var state = self.state
        bytes.withUnsafeBytes { raw in
            for byte in raw { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        self.state = state
    }

    /// A text and a terminating zero, so that "ab","c" and "a","bc" differ.
    mutating func add(_ text: String) { add(Data(text.utf8) + [0]) }

    var hex: String { String(state, radix: 16).leftPadded(to: 16) }

    /// `length` bytes of `path` from `offset` on, read a MiB at a time.
    mutating func add(file path: String, option: String, from offset: UInt64 = 0, length: UInt64 = .max) throws {
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: offset)
            var left = length
            while left > 0, let chunk = try handle.read(upToCount: Int(min(left, 1 << 20))), !chunk.isEmpty {
                add(chunk)
                left -= UInt64(chunk.count)
            }
        } catch {
            throw InputError("\(option): cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// The digest of a whole file.
    static func of(file path: String, option: String) throws -> String {
        var hash = ContentHash()
        try hash.add(file: path, option: option)
        return hash.hex
    }
}

private extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
