import Foundation

/// The class names `--class-names` gives, in class-id order: a comma-separated list, or a file — one name per line,
/// or Keras's `imagenet_class_index.json` form `{"0": ["n01440764", "tench"], …}` (the second entry is the name).
func readClassNames(_ value: String) throws -> [String] {
    guard FileManager.default.fileExists(atPath: value) else {
        return value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
    }
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: value))
    } catch {
        throw InputError("--class-names \(value): cannot read the file (\(error.localizedDescription))")
    }
    guard data.count <= 1 << 24 else { throw InputError("--class-names \(value): the file is over 16 MB; a list of class names is far smaller") }
    if data.first(where: { !" \n\r\t".utf8.contains($0) }) == UInt8(ascii: "{") {
        guard let index = try? JSONDecoder().decode([String: [String]].self, from: data) else {
            throw InputError("--class-names \(value): not a class index of the form {\"0\": [\"n01440764\", \"tench\"], …}")
        }
        return try (0..<index.count).map { id in
            guard let entry = index[String(id)], let name = entry.last else {
                throw InputError("--class-names \(value): class \(id) is missing; the ids must run from 0 to \(index.count - 1)")
            }
            return name
        }
    }
    return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
