import Foundation

/// Folders for the files tests write, all inside one folder per test process that is removed when the process
/// exits: a test that fails or throws half-way leaves nothing behind in the system's temporary folder.
public enum ScratchFolder {
    private static let root: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("keraslens-tests-\(UUID().uuidString)")
        atexit { try? FileManager.default.removeItem(at: ScratchFolder.root) }
        return root
    }()

    /// A new, empty folder whose name starts with `label`.
    public static func make(_ label: String = "test") throws -> URL {
        let folder = root.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
