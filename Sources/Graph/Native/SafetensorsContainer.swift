import Foundation
import KerasLensGraph

/// The safetensors layout (docs/FORMAT.md, "Container"): an 8-byte little-endian header length N, N bytes of JSON
/// header padded with spaces so the buffer starts on an 8-byte boundary, then the tensors' bytes laid end to end.
/// This file knows nothing of graphs: names, float32 tensors and string metadata only.
enum SafetensorsContainer {
    /// One header entry: a tensor's dtype, shape and byte range within the buffer (after the header).
    struct Entry: Sendable, Equatable {
        var name: String
        var dtype: String
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// The bytes of a file holding `tensors` in the given order and `metadata` under `__metadata__`.
    static func encode(tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) -> [UInt8] {
        var entries: [String: EntryRecord] = [:]
        var offset = 0
        for (name, tensor) in tensors {
            let size = tensor.count * MemoryLayout<Float>.size
            entries[name] = EntryRecord(dtype: "F32", shape: tensor.shape, data_offsets: [offset, offset + size])
            offset += size
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding string-keyed dictionaries of plain records cannot fail.
        var header = Array(try! encoder.encode(HeaderRecord(entries: entries, metadata: metadata)))
        header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        bytes += header
        for (_, tensor) in tensors {
            tensor.scalars.withUnsafeBufferPointer { values in
                for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
            }
        }
        return bytes
    }

    /// The header of a mapped file, checked against every rule of the container, and where its buffer starts.
    struct Header {
        var entries: [String: Entry]
        var metadata: [String: String]
        var buffer: UnsafeRawBufferPointer
    }

    /// Reads the header length and the JSON header. Offsets are checked separately (`validate`) so that a file of a
    /// newer format version is reported as such before its layout is judged by this version's rules.
    static func header(of file: MappedFile) throws(GraphError) -> Header {
        let bytes = file.bytes
        guard bytes.count >= 8 else { throw .native(.tooShort(fileSize: bytes.count), file: file.path) }
        let length = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard length <= UInt64(bytes.count - 8) else {
            throw .native(.headerLengthBeyondFile(headerLength: length, fileSize: bytes.count), file: file.path)
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + Int(length))])
        guard let start = headerBytes.baseAddress, !headerBytes.isEmpty else {
            throw .native(.headerNotJSON(reason: "the header is empty"), file: file.path)
        }
        guard !JSONNesting.isTooDeep(headerBytes) else {
            throw .native(.headerNotJSON(reason: JSONNesting.reason), file: file.path)
        }
        let json: JSONValue
        do {
            // A view of the mapped header, not a copy.
            let text = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: start), count: headerBytes.count, deallocator: .none)
            json = try JSONDecoder().decode(JSONValue.self, from: text)
        } catch {
            throw .native(.headerNotJSON(reason: conciseReason(error)), file: file.path)
        }
        guard let object = json.object else {
            throw .native(.invalidHeader(reason: "the header is not a JSON object"), file: file.path)
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                guard let fields = value.object else {
                    throw .native(.invalidHeader(reason: "__metadata__ is not an object"), file: file.path)
                }
                for (key, field) in fields {
                    guard let text = field.string else {
                        throw .native(.invalidHeader(reason: "__metadata__ value '\(key)' is not a string"), file: file.path)
                    }
                    metadata[key] = text
                }
                continue
            }
            guard let dtype = value["dtype"]?.string,
                  let shape = value["shape"]?.array?.compactMap(\.int), shape.count == value["shape"]?.array?.count,
                  shape.allSatisfy({ $0 >= 0 }),
                  let offsets = value["data_offsets"]?.array?.compactMap(\.int), offsets.count == 2,
                  offsets[0] >= 0 else {
                throw .native(.invalidHeader(reason: "entry '\(name)' needs a dtype, a shape of non-negative integers and two non-negative data_offsets"), file: file.path)
            }
            entries[name] = Entry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
        }
        return Header(entries: entries, metadata: metadata,
                      buffer: UnsafeRawBufferPointer(rebasing: bytes[(8 + Int(length))...]))
    }

    /// Checks the entries against the buffer: float32 only, each range the size of its shape, no two ranges sharing
    /// a byte, none past the end, and every byte covered (the safetensors rule that leaves no room for hidden data).
    static func validate(_ header: Header, file: String) throws(GraphError) {
        let size = header.buffer.count
        for entry in header.entries.values.sorted(by: { $0.name < $1.name }) {
            guard entry.dtype == "F32" else {
                throw .native(.unsupportedDType(tensor: entry.name, dtype: entry.dtype), file: file)
            }
            let (count, overflow) = entry.shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            guard !overflow, entry.end >= entry.begin, count <= Int.max / 4, entry.end - entry.begin == count * 4 else {
                throw .native(.sizeMismatch(tensor: entry.name, shape: entry.shape, begin: entry.begin, end: entry.end), file: file)
            }
        }
        let ordered = header.entries.values.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var reach: Entry?
        for entry in ordered where entry.end > entry.begin {
            if let previous = reach, entry.begin < previous.end {
                throw .native(.overlappingOffsets(first: previous.name, second: entry.name), file: file)
            }
            if reach == nil || entry.end > reach!.end { reach = entry }
        }
        let filled = ordered.filter { $0.end > $0.begin }
        let contiguous = zip([0] + filled.map(\.end), filled.map(\.begin)).allSatisfy { $0 == $1 }
        let needed = filled.last?.end ?? 0
        if needed > size {
            if contiguous { throw .native(.truncated(neededBytes: needed, availableBytes: size), file: file) }
            let outside = filled.first { $0.end > size }!
            throw .native(.offsetsOutsideFile(tensor: outside.name, begin: outside.begin, end: outside.end, bufferSize: size), file: file)
        }
        var cursor = 0
        for entry in filled {
            if entry.begin > cursor { throw .native(.unindexedBytes(begin: cursor, end: entry.begin), file: file) }
            cursor = entry.end
        }
        if cursor < size { throw .native(.unindexedBytes(begin: cursor, end: size), file: file) }
    }

    /// Copies one validated entry's values out of the mapping (`Tensor` owns its scalars). The copy is bytewise
    /// so that files from other writers whose header is not padded to 8 bytes (unaligned floats) read correctly.
    static func tensor(_ entry: Entry, in buffer: UnsafeRawBufferPointer) -> Tensor {
        let count = (entry.end - entry.begin) / MemoryLayout<Float>.size
        let copied = [Float](unsafeUninitializedCapacity: count) { values, initialized in
            if count > 0 {
                UnsafeMutableRawBufferPointer(values).copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[entry.begin..<entry.end]))
            }
            initialized = count
        }
        // The file is little-endian.
        #if _endian(big)
        let scalars = copied.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #else
        let scalars = copied
        #endif
        return Tensor(shape: entry.shape, scalars: scalars)
    }

    private struct EntryRecord: Encodable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]
    }

    /// The header object: `__metadata__` beside one key per tensor.
    private struct HeaderRecord: Encodable {
        var entries: [String: EntryRecord]
        var metadata: [String: String]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(metadata, forKey: Key(stringValue: "__metadata__"))
            for (name, entry) in entries { try container.encode(entry, forKey: Key(stringValue: name)) }
        }
    }
}
