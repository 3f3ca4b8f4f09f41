import Foundation

/// The fields of a `.keras` archive's `metadata.json` this module reports; Keras 3 writes no backend there,
/// so both are optional.
struct KerasMetadata: Decodable {
    let kerasVersion: String?
    let backend: String?

    enum CodingKeys: String, CodingKey {
        case kerasVersion = "keras_version"
        case backend
    }
}
