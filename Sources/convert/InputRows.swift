import KerasLens

/// The samples of an input option for a model, read a range at a time so that a large set never sits in memory
/// whole: a `.npy` array (a file shaped like one sample is one row), or image files — one, or a folder of them,
/// decoded only when their range is read.
struct InputRows {
    enum Source {
        case array(NumPyRows, single: Bool)
        case images(ImageRows)
    }

    let option: String
    let path: String
    /// Samples in the input.
    let count: Int
    /// Class ids from a folder of class subfolders, and the subfolders' names.
    let folderLabels: [Int]?
    let folderClassNames: [String]?
    let source: Source
    /// The per-sample shape of the rows: the model's, with its open dimensions at the sizes the input has.
    let sampleShape: [Int]

    init(_ path: String, option: String, sampleShape: [Int], images: ImageInputOptions) throws {
        self.option = option
        self.path = path
        if ImageSet.isImagePath(path) {
            guard !sampleShape.contains(openDimension) else {
                throw InputError("\(option): \(path): images are read for models of a fixed input size; this one takes (N, \(Self.describe(sampleShape))); give a .npy array")
            }
            self.sampleShape = sampleShape
            let set: ImageSet
            do {
                set = try ImageSet(path: path)
            } catch {
                throw InputError("\(option): \(error)")
            }
            let rows = ImageRows(set, loader: try images.loader(sampleShape: sampleShape, option: option))
            source = .images(rows)
            count = rows.count
            folderLabels = set.labels
            folderClassNames = set.classNames
            return
        }
        let file: NumPyRows
        do {
            file = try NumPyRows(path: path)
        } catch {
            throw InputError("\(option): \(error)")
        }
        let fits = { (shape: [Int]) in shape.count == sampleShape.count && zip(shape, sampleShape).allSatisfy { $1 == openDimension || $0 == $1 } }
        let single = fits(file.shape)
        guard single || fits(Array(file.shape.dropFirst())), file.rowCount > 0 else {
            throw InputError("\(option): \(path) has shape \(file.shape); the model takes (N, \(Self.describe(sampleShape))) with N ≥ 1")
        }
        self.sampleShape = single ? file.shape : Array(file.shape.dropFirst())
        source = .array(file, single: single)
        count = single ? 1 : file.rowCount
        folderLabels = nil
        folderClassNames = nil
    }

    /// A per-sample shape as the messages show it, open dimensions as `None`.
    static func describe(_ shape: [Int]) -> String {
        shape.map { $0 == openDimension ? "None" : String($0) }.joined(separator: ", ")
    }

    /// Samples `range`, batch-first.
    func read(_ range: Range<Int>) throws -> Tensor {
        do {
            switch source {
            case .images(let rows):
                return try rows.read(range)
            case .array(let file, let single):
                guard single else { return try file.read(range) }
                var sample = try file.read(0..<file.rowCount)
                sample.shape = [1] + sample.shape
                return sample
            }
        } catch {
            throw InputError("\(option): \(error)")
        }
    }

    /// The labels a folder of class subfolders gives, checked against the model's class count; nil for other inputs.
    func labels(classes: Int) throws -> [Int]? {
        guard let labels = folderLabels, let names = folderClassNames else { return nil }
        guard names.count == classes else {
            throw InputError("\(option): \(path) has \(names.count) class subfolders (\(names.joined(separator: ", "))); the model has \(classes) classes")
        }
        return labels
    }

    /// The picture sample `index` was made from, at its own size (the part the model saw, in its channels); nil for
    /// `.npy` inputs.
    func original(_ index: Int) throws -> PixelImage? {
        guard case .images(let rows) = source else { return nil }
        do {
            return try rows.loader.shownPixels(path: rows.images.files[index])
        } catch {
            throw InputError("\(option): \(error)")
        }
    }
}
