import Foundation
import KerasLensGraph
import KerasLensImages
import Testing
import TestSupport

/// How `--input` folders are listed: sorted by name, class subfolders giving labels in alphabetical order (as
/// `keras.utils.image_dataset_from_directory` infers them), other files ignored, and the rows read on demand.
@Suite struct ImageSetTests {
    static let png = ImageFixtures.path("rgb_37x23.png")
    static let jpeg = ImageFixtures.path("rgb_41x27.jpg")

    func folder(_ files: [String: String]) throws -> String {
        let root = try ScratchFolder.make("images")
        for (relative, source) in files {
            let target = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if source.isEmpty { try Data("notes".utf8).write(to: target) } else { try FileManager.default.copyItem(atPath: source, toPath: target.path) }
        }
        return root.path
    }

    @Test func aFolderOfImagesIsSortedByNameWithoutLabels() throws {
        let root = try folder(["b.jpg": Self.jpeg, "a.png": Self.png, "c.PNG": Self.png, "notes.txt": ""])
        let set = try ImageSet(path: root)
        #expect(set.files.map { ($0 as NSString).lastPathComponent } == ["a.png", "b.jpg", "c.PNG"])
        #expect(set.labels == nil)
        #expect(set.classNames == nil)
    }

    @Test func classSubfoldersGiveLabelsInAlphabeticalOrder() throws {
        let root = try folder(["dog/2.png": Self.png, "dog/1.jpg": Self.jpeg, "cat/x.png": Self.png, "cat/deep/y.png": Self.png,
                               "top.png": Self.png])
        let set = try ImageSet(path: root)
        #expect(set.classNames == ["cat", "dog"])
        #expect(set.files.map { String($0.dropFirst(root.count + 1)) } == ["cat/x.png", "cat/deep/y.png", "dog/1.jpg", "dog/2.png"])
        #expect(set.labels == [0, 0, 1, 1])
    }

    @Test func aFolderWithoutImagesIsRefused() throws {
        let root = try folder(["notes.txt": ""])
        #expect(throws: ImageError(file: root, "holds no .png, .jpg or .jpeg images")) { _ = try ImageSet(path: root) }
        #expect(throws: ImageError(file: root + "/missing", "no such file or folder")) { _ = try ImageSet(path: root + "/missing") }
    }

    @Test func rowsAreTheLoadersSamplesInOrder() throws {
        let root = try folder(["a.png": Self.png, "b.jpg": Self.jpeg, "c.png": Self.png])
        let loader = try ImageLoader(sampleShape: [12, 16, 3], resampling: .bilinear, preprocessing: .tf)
        let rows = ImageRows(try ImageSet(path: root), loader: loader)
        let piece = try rows.read(1..<3)
        #expect(piece.shape == [2, 12, 16, 3])
        #expect(Array(piece.scalars[0..<576]) == (try loader.load(path: Self.jpeg)))
        #expect(Array(piece.scalars[576...]) == (try loader.load(path: Self.png)))
    }

    @Test func nonImageModelsAndGrayCaffeAreRefused() {
        #expect(throws: ImageError.self) { _ = try ImageLoader(sampleShape: [40, 1]) }
        #expect(throws: ImageError.self) { _ = try ImageLoader(sampleShape: [8, 8, 4]) }
        #expect(throws: ImageError.self) { _ = try ImageLoader(sampleShape: [8, 8, 1], preprocessing: .caffe) }
    }
}
