import KerasLensGraph

/// A set of image files read as model inputs a range of samples at a time, decoding only the images asked for, so
/// that memory holds one piece however many files there are.
public struct ImageRows: Sendable {
    public let images: ImageSet
    public let loader: ImageLoader

    public init(_ images: ImageSet, loader: ImageLoader) {
        self.images = images
        self.loader = loader
    }

    public var count: Int { images.files.count }

    /// Samples `range`, shaped (range.count, height, width, channels).
    public func read(_ range: Range<Int>) throws(ImageError) -> Tensor {
        var scalars: [Float] = []
        scalars.reserveCapacity(range.count * loader.height * loader.width * loader.channels)
        for index in range { scalars += try loader.load(path: images.files[index]) }
        return Tensor(shape: [range.count, loader.height, loader.width, loader.channels], scalars: scalars)
    }
}
