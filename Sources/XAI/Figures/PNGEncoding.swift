import CZlibShim

extension PNGImage {
    /// The image as the bytes of a PNG file: signature, IHDR, one IDAT, IEND.
    ///
    /// Every scanline uses filter type 2 (Up: each byte minus the byte above it). Measured on this module's figures
    /// against no filter, Up made an overlay on a 224×224 histology crop 40 % smaller (82 kB against 134 kB) and an
    /// enlarged 28×28 map a third smaller, while line plots and smooth full-size heatmaps came out within 25 % either
    /// way (all under 16 kB); choosing a filter per row by PNG's usual heuristic gained only about 1 % more.
    public func pngData() -> [UInt8] {
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, layout == .rgb ? 2 : 6, 0, 0, 0]  // bit depth, colour type, deflate, filter method, no interlace

        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file.appendChunk("IHDR", header)
        file.appendChunk("IDAT", Self.zlibCompressed(filteredScanlines()))
        file.appendChunk("IEND", [])
        return file
    }

    /// Each row as its filter-type byte (2) and its bytes minus those of the row above (the first row, whose row
    /// above counts as zeros, unchanged), the stream IDAT holds before compression.
    private func filteredScanlines() -> [UInt8] {
        let rowBytes = width * layout.rawValue
        return [UInt8](unsafeUninitializedCapacity: height * (rowBytes + 1)) { out, count in
            for row in 0..<height {
                let start = row * (rowBytes + 1), pixel = row * rowBytes
                out[start] = 2
                for i in 0..<rowBytes {
                    out[start + 1 + i] = row == 0 ? samples[i] : samples[pixel + i] &- samples[pixel - rowBytes + i]
                }
            }
            count = height * (rowBytes + 1)
        }
    }

    /// A zlib stream (RFC 1950: header, deflate data, Adler-32), the form PNG's IDAT data takes.
    private static func zlibCompressed(_ data: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = out.withUnsafeMutableBufferPointer { destination in
            data.withUnsafeBufferPointer { source in
                compress2(destination.baseAddress, &length, source.baseAddress, uLong(source.count), Z_BEST_COMPRESSION)
            }
        }
        // compressBound makes Z_BUF_ERROR impossible; what remains is zlib failing to allocate its state.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        out.removeLast(out.count - Int(length))
        return out
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }

    /// A PNG chunk: data length, type, data, and the CRC-32 of type and data.
    fileprivate mutating func appendChunk(_ type: String, _ data: [UInt8]) {
        let typed = Array(type.utf8) + data
        appendBigEndian(UInt32(data.count))
        append(contentsOf: typed)
        let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        appendBigEndian(UInt32(crc))
    }
}
