/// Why an image file or folder could not be read: the file at fault and what is wrong with it.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var detail: String

    public init(file: String, _ detail: String) {
        self.file = file
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}
