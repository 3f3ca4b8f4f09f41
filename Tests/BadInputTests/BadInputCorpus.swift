import Foundation
import Testing

/// The committed corpus of broken and hostile files (Tests/BadInputs, written by make_bad_inputs.py).
enum BadInputCorpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("BadInputs")

    /// The path of `name` in one of the corpus folders (`h5`, `keras`, `npy`, `safetensors`).
    static func path(_ folder: String, _ name: String) -> String {
        root.appendingPathComponent(folder).appendingPathComponent(name).path
    }

    /// Every file of a folder whose name contains `.truncated_`: a real file cut at one offset.
    static func truncations(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.contains(".truncated_") }.sorted()
    }
}

/// One corpus file and what its refusal must say: `fragment` appears in the message, which also names the file.
struct Refusal<Kind: Sendable>: Sendable, CustomTestStringConvertible {
    var file: String
    var kind: Kind
    var fragment: String

    init(_ file: String, _ kind: Kind, _ fragment: String) {
        self.file = file
        self.kind = kind
        self.fragment = fragment
    }

    var testDescription: String { file }
}
