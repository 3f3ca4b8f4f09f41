import Graph

/// The samples of an array option for a model, read a range at a time so that a large set never sits in memory
/// whole. A file shaped like one sample (the model's per-sample shape) is one row.
struct InputRows {
    let option: String
    let file: NumPyRows
    /// Samples in the file.
    let count: Int
    private let single: Bool

    init(_ path: String, option: String, sampleShape: [Int]) throws {
        self.option = option
        do {
            file = try NumPyRows(path: path)
        } catch {
            throw InputError("\(option): \(error)")
        }
        single = file.shape == sampleShape
        guard single || Array(file.shape.dropFirst()) == sampleShape, file.rowCount > 0 else {
            throw InputError("\(option): \(path) has shape \(file.shape); the model takes (N, \(sampleShape.map(String.init).joined(separator: ", "))) with N ≥ 1")
        }
        count = single ? 1 : file.rowCount
    }

    /// Samples `range`, batch-first.
    func read(_ range: Range<Int>) throws -> Tensor {
        do {
            guard single else { return try file.read(range) }
            var sample = try file.read(0..<file.rowCount)
            sample.shape = [1] + sample.shape
            return sample
        } catch {
            throw InputError("\(option): \(error)")
        }
    }
}
