/// One explanation picture for the report's gallery: a PNG (as `PNGImage.pngData()` makes) of one method's map for
/// one sample, embedded in the page as a `data:` URI so the report stays a single file.
public struct ReportFigure: Sendable, Equatable {
    /// The sample's index in the evaluated set, used to group the figures and to look up its true and predicted class.
    public var sample: Int
    public var method: String
    public var caption: String
    public var png: [UInt8]

    public init(sample: Int, method: String, caption: String, png: [UInt8]) {
        self.sample = sample
        self.method = method
        self.caption = caption
        self.png = png
    }
}
