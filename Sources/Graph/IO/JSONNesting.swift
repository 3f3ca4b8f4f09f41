/// A nesting bound checked before any JSON reaches Foundation. Its decoder descends one call per array or object
/// level, and `JSONValue`'s `Decodable` initialiser once more, so a hostile 10^5-level document (a few hundred
/// kilobytes of brackets) would exhaust a thread's stack — a crash, not an error — before either could object.
package enum JSONNesting {
    /// Far deeper than anything KerasLens reads: Keras configurations of nested models stay under 30 levels.
    package static let maxDepth = 256

    /// Whether `bytes` opens more than `maxDepth` arrays or objects at once; brackets inside strings do not count.
    /// One pass, no allocation, so it costs nothing beside the parse it guards.
    package static func isTooDeep(_ bytes: some Sequence<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return false
    }

    /// The reason given when a document is refused.
    package static var reason: String { "it nests arrays or objects more than \(maxDepth) levels deep" }
}
