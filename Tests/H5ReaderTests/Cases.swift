import Foundation

/// Test inputs: the small files `make_cases.py` writes into `cases/`, and the real models beside the checkout.
enum Cases {
    private static let folder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()

    static func path(_ name: String) -> String {
        folder.appendingPathComponent("cases").appendingPathComponent(name).path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// `<repo>/../shared/models/<name>`, present on CI and on developer machines but never in the repository.
    static func sharedModel(_ name: String) -> String? {
        let repo = folder.deletingLastPathComponent().deletingLastPathComponent()
        let model = repo.deletingLastPathComponent().appendingPathComponent("shared/models/\(name)").path
        return FileManager.default.fileExists(atPath: model) ? model : nil
    }
}
