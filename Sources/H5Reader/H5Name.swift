import CHDF5

/// libhdf5's name getters share one protocol: called with no buffer they return the length, then fill a buffer.
enum H5Name {
    static func read(_ get: (UnsafeMutablePointer<CChar>?, Int) -> Int) -> String? {
        let length = get(nil, 0)
        guard length >= 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard get(&buffer, buffer.count) >= 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
