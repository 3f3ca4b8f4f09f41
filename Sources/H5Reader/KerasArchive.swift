import Foundation
import ZIPFoundation

/// Whole entries of a `.keras` ZIP archive, read into memory with caps a hostile archive cannot get around:
/// sizes are checked as declared before inflating, and inflation stops as soon as it passes the declared size.
struct KerasArchive {
    struct Limits {
        /// Largest uncompressed entry accepted.
        var maxEntryBytes: UInt64 = 2 << 30
        /// Largest uncompressed-to-compressed ratio accepted; deflate itself cannot go much beyond 1030.
        var maxRatio: UInt64 = 1000
    }

    let path: String
    private let archive: Archive
    private let limits: Limits

    init(path: String, limits: Limits = Limits()) throws(KerasFileError) {
        self.path = path
        self.limits = limits
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw KerasFileError(kind: .badArchive, file: path, detail: "not a readable ZIP archive (\(error))")
        }
        // Keras never writes such names; an archive that has one was made to escape wherever it is unpacked.
        if let unsafe = archive.first(where: { Self.isUnsafe($0.path) }) {
            throw KerasFileError(kind: .badArchive, file: path,
                                 detail: "entry '\(unsafe.path)' points outside the archive (an absolute path or '..')")
        }
    }

    /// Whether an entry name is absolute or climbs out of the folder it would be unpacked into.
    static func isUnsafe(_ name: String) -> Bool {
        name.hasPrefix("/") || name.hasPrefix("\\") || name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..")
    }

    func contains(_ name: String) -> Bool {
        archive[name] != nil
    }

    func data(_ name: String) throws(KerasFileError) -> Data {
        guard let entry = archive[name], entry.type == .file else {
            throw failure(.missingEntry, "the archive has no entry \(name)")
        }
        let declared = entry.uncompressedSize
        guard declared <= limits.maxEntryBytes else {
            throw failure(.entryTooLarge, "entry \(name) declares \(declared) bytes, more than the \(limits.maxEntryBytes) allowed")
        }
        let (ratioCap, overflow) = entry.compressedSize.multipliedReportingOverflow(by: limits.maxRatio)
        guard overflow || declared <= ratioCap else {
            throw failure(.entryTooLarge,
                "entry \(name) declares \(declared) bytes from \(entry.compressedSize) compressed, a ratio above \(limits.maxRatio)")
        }
        var data = Data(capacity: Int(declared))
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry) { chunk in
                guard UInt64(data.count + chunk.count) <= declared else { throw InflatedBeyondDeclared() }
                data.append(chunk)
            }
        } catch is InflatedBeyondDeclared {
            throw failure(.entryTooLarge, "entry \(name) inflates beyond its declared \(declared) bytes")
        } catch {
            throw failure(.badArchive, "cannot extract entry \(name) (\(error))")
        }
        guard UInt64(data.count) == declared, checksum == entry.checksum else {
            throw failure(.badArchive, "entry \(name) is damaged (size or CRC does not match its header)")
        }
        return data
    }

    /// A UTF-8 text entry such as `config.json`.
    func text(_ name: String) throws(KerasFileError) -> String {
        guard let text = String(data: try data(name), encoding: .utf8) else {
            throw failure(.badEntry, "entry \(name) is not UTF-8 text")
        }
        return text
    }

    private func failure(_ kind: KerasFileError.Kind, _ detail: String) -> KerasFileError {
        KerasFileError(kind: kind, file: path, detail: detail)
    }

    private struct InflatedBeyondDeclared: Error {}
}
