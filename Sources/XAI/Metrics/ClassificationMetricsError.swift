/// Why classification metrics cannot be computed from the given scores and labels; the CLI prints `description` as
/// its one line on stderr.
public struct ClassificationMetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var detail: String

    public init(_ detail: String) {
        self.detail = detail
    }

    public var description: String { detail }
}
