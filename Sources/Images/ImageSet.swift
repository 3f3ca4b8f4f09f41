import Foundation

/// The image files an `--input` names: one file, a folder of images (sorted by name), or a folder of class
/// subfolders, which also gives labels — classes in alphabetical order, as `keras.utils.image_dataset_from_directory`
/// infers them (files directly in such a folder are ignored, as there).
public struct ImageSet: Sendable {
    /// The extensions read; `image_dataset_from_directory` also takes .bmp and .gif, which are refused by name.
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]
    static let refusedExtensions: Set<String> = ["bmp", "gif"]

    public let files: [String]
    /// Each file's class index, for a folder of class subfolders.
    public let labels: [Int]?
    /// The class subfolders' names, in class-index order.
    public let classNames: [String]?

    /// Whether `path` is read as images: a folder, or a file with an image extension.
    public static func isImagePath(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return true }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        return extensions.contains(ext) || refusedExtensions.contains(ext)
    }

    public init(path: String) throws(ImageError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ImageError(file: path, "no such file or folder")
        }
        guard isFolder.boolValue else {
            try Self.checkExtension(path)
            files = [path]
            labels = nil
            classNames = nil
            return
        }
        let entries = try Self.entries(of: path)
        let folders = entries.filter { Self.isFolder($0) }
        if folders.isEmpty {
            files = try Self.images(in: path, entries: entries)
            labels = nil
            classNames = nil
        } else {
            var files: [String] = [], labels: [Int] = []
            for (label, folder) in folders.enumerated() {
                let images = try Self.imagesBelow(folder)
                files += images
                labels += Array(repeating: label, count: images.count)
            }
            self.files = files
            self.labels = labels
            classNames = folders.map { URL(fileURLWithPath: $0).lastPathComponent }
        }
        guard !files.isEmpty else {
            throw ImageError(file: path, "holds no .png, .jpg or .jpeg images")
        }
    }

    private static func checkExtension(_ path: String) throws(ImageError) {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if refusedExtensions.contains(ext) {
            throw ImageError(file: path, ".\(ext) images are not read; KerasLens reads PNG and JPEG")
        }
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    /// The folder's entries as full paths, sorted by name (hidden ones left out).
    private static func entries(of folder: String) throws(ImageError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw ImageError(file: folder, "cannot list the folder (\(error.localizedDescription))")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { (folder as NSString).appendingPathComponent($0) }
    }

    private static func images(in folder: String, entries: [String]) throws(ImageError) -> [String] {
        var result: [String] = []
        for entry in entries where !isFolder(entry) {
            let ext = URL(fileURLWithPath: entry).pathExtension.lowercased()
            try checkExtension(entry)
            if extensions.contains(ext) { result.append(entry) }
        }
        return result
    }

    /// A class folder's images, its subfolders' included (as Keras walks them), files before subfolders, each sorted by name.
    private static func imagesBelow(_ folder: String) throws(ImageError) -> [String] {
        let entries = try entries(of: folder)
        var result = try images(in: folder, entries: entries)
        for sub in entries where isFolder(sub) { result += try imagesBelow(sub) }
        return result
    }
}
