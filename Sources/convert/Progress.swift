import Foundation

/// A one-line progress display on stderr, only when stderr is a terminal (logs and pipes stay clean).
private let showsProgress = isatty(STDERR_FILENO) == 1

func progress(_ label: String, done: Int? = nil, of total: Int? = nil) {
    guard showsProgress else { return }
    var line = "\r\u{1B}[2K" + label
    if let done, let total, total > 0 {
        let width = 30, filled = width * done / total
        line += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)"
    }
    FileHandle.standardError.write(Data(line.utf8))
}

func clearProgress() {
    guard showsProgress else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
}
