import Foundation

/// A parsed JSON document. Keras configs are read through this instead of `[String: Any]` so that every access is
/// typed and every failure can name the key.
package enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    package init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses JSON text, refusing nesting deeper than `JSONNesting.maxDepth` first: the parse recurses per level,
    /// so a hostile configuration could otherwise exhaust the stack.
    package static func parse(_ text: String) throws -> JSONValue {
        guard !JSONNesting.isTooDeep(text.utf8) else { throw TooDeep() }
        return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The nesting refusal, described as the reason the text is not usable JSON.
    struct TooDeep: Error, CustomStringConvertible {
        var description: String { JSONNesting.reason }
    }

    package subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    package var object: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    package var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    package var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    package var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    package var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    package var isNull: Bool { self == .null }

    /// An integer, accepting only numbers with no fractional part that fit in `Int`.
    package var int: Int? {
        guard let value = number, value.rounded() == value, abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }
}
