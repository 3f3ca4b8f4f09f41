import Foundation

/// The element types KerasLens reads from `.npy`, converted to Float32.
enum NumPyType: Sendable {
    case float(bytes: Int, bigEndian: Bool)
    case signed(bytes: Int, bigEndian: Bool)
    case unsigned(bytes: Int, bigEndian: Bool)
    case bool

    init?(descriptor: String) {
        guard descriptor.count >= 3, let order = descriptor.first, let size = Int(descriptor.dropFirst(2)) else { return nil }
        let kind = descriptor[descriptor.index(after: descriptor.startIndex)]
        let big = order == ">" || (order == "=" && UInt32(1).bigEndian == 1)
        guard "<>|=".contains(order) else { return nil }
        switch (kind, size) {
        case ("f", 2), ("f", 4), ("f", 8): self = .float(bytes: size, bigEndian: big)
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): self = .signed(bytes: size, bigEndian: big)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): self = .unsigned(bytes: size, bigEndian: big)
        case ("b", 1): self = .bool
        default: return nil
        }
    }

    var size: Int {
        switch self {
        case .float(let bytes, _), .signed(let bytes, _), .unsigned(let bytes, _): bytes
        case .bool: 1
        }
    }

    var name: String {
        switch self {
        case .float(let bytes, _): "float\(bytes * 8)"
        case .signed(let bytes, _): "int\(bytes * 8)"
        case .unsigned(let bytes, _): "uint\(bytes * 8)"
        case .bool: "bool"
        }
    }

    func decode(_ raw: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = value(raw, at: i * size) }
            initialized = count
        }
    }

    @inline(__always) private func bits(_ raw: UnsafeRawBufferPointer, _ offset: Int, _ bytes: Int, _ big: Bool) -> UInt64 {
        var result: UInt64 = 0
        for k in 0..<bytes {
            let byte = UInt64(raw[offset + (big ? k : bytes - 1 - k)])
            result = result << 8 | byte
        }
        return result
    }

    @inline(__always) private func value(_ raw: UnsafeRawBufferPointer, at offset: Int) -> Float {
        switch self {
        case .float(4, let big):
            return Float(bitPattern: UInt32(bits(raw, offset, 4, big)))
        case .float(8, let big):
            return Float(Double(bitPattern: bits(raw, offset, 8, big)))
        case .float(_, let big):
            return Float(Float16(bitPattern: UInt16(bits(raw, offset, 2, big))))
        case .signed(let bytes, let big):
            let shift = UInt64(64 - bytes * 8)
            return Float(Int64(bitPattern: bits(raw, offset, bytes, big) << shift) >> Int64(shift))
        case .unsigned(let bytes, let big):
            return Float(bits(raw, offset, bytes, big))
        case .bool:
            return raw[offset] == 0 ? 0 : 1
        }
    }
}

/// The Python-literal dictionary at the start of a `.npy` file: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NumPyHeader {
    let type: NumPyType
    let shape: [Int]

    init(_ text: String, file: String) throws(NumPyError) {
        func field(_ key: String) throws(NumPyError) -> Substring {
            guard let keyRange = text.range(of: "'\(key)'"),
                  let colon = text[keyRange.upperBound...].firstIndex(of: ":") else {
                throw NumPyError(file: file, "the header has no '\(key)' entry")
            }
            return text[text.index(after: colon)...].drop { $0 == " " }
        }
        let descriptor = try field("descr")
        guard descriptor.first == "'", let end = descriptor.dropFirst().firstIndex(of: "'") else {
            throw NumPyError(file: file, "the dtype is not a simple type (structured or object arrays are not supported)")
        }
        let name = String(descriptor[descriptor.index(after: descriptor.startIndex)..<end])
        guard !name.contains("O") else {
            throw NumPyError(file: file, "the array holds Python objects (a pickle), which KerasLens does not load; save a numeric array")
        }
        guard let type = NumPyType(descriptor: name) else {
            throw NumPyError(file: file, "dtype '\(name)' is not supported; use float32, float64 or an integer type")
        }
        if try field("fortran_order").hasPrefix("True") {
            throw NumPyError(file: file, "the array is in Fortran order; save it in C order (np.ascontiguousarray)")
        }
        let shapeText = try field("shape")
        guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
            throw NumPyError(file: file, "the shape is not a tuple")
        }
        var shape: [Int] = []
        for part in shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            guard let size = Int(trimmed), size >= 0 else {
                throw NumPyError(file: file, "the shape has an invalid dimension '\(trimmed)'")
            }
            shape.append(size)
        }
        self.type = type
        self.shape = shape
    }

    /// The element count, refusing shapes whose product overflows.
    func elementCount(file: String) throws(NumPyError) -> Int {
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw NumPyError(file: file, "the shape \(shape) is too large") }
            count = product
        }
        return count
    }
}
