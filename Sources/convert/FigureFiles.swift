import ArgumentParser
import Foundation
import KerasLens

/// Writes an explanation's PNG figures into a folder: `sample<i>_<method>.png`, and for 2-D inputs
/// `sample<i>_<method>_heatmap.png` beside it, `i` counted from `firstIndex` (a shard's first sample in the whole
/// input). `inputs` are batch-first. `original(i)`, when it gives a picture (image-file inputs), has the first figure
/// drawn over that picture at its own size instead of over the model's input. Returns the paths written.
func writeFigures(_ explanation: Explanation, inputs: Tensor, method: ExplanationMethod, samples: [Int]? = nil, firstIndex: Int = 0,
                  original: (Int) throws -> PixelImage? = { _ in nil }, to folder: String) throws -> [String] {
    let url = URL(fileURLWithPath: folder)
    do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
        throw InputError("--png: cannot create the folder \(folder): \(error.localizedDescription)")
    }
    var written: [String] = []
    for index in samples ?? Array(explanation.classes.indices) {
        var images = try explanation.figures(index, inputs: inputs)
        if images.count == 2, let picture = try original(firstIndex + index) { images[0] = try explanation.figure(index, over: picture) }
        for (part, image) in images.enumerated() {
            let name = "sample\(firstIndex + index)_\(method.rawValue)\(part == 0 ? "" : "_heatmap").png"
            let path = url.appendingPathComponent(name).path
            try Data(image.pngData()).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(path)
        }
    }
    return written
}
