import KerasLensGraph

/// The maps of one method for a batch, at the input's spatial size, with what they explain.
public struct Explanation: Sendable {
    /// One map per sample: (N, L) for 1-D inputs, (N, H, W) for 2-D.
    public var maps: Tensor
    /// The class explained per sample.
    public var classes: [Int]
    /// The score (`y`) of that class per sample on the unchanged input.
    public var scores: [Float]
    /// LIME's fitted surrogate per sample; nil for other methods.
    public var surrogates: [LinearSurrogate]?

    /// Maps from elsewhere (another tool's, a recorded run's) can be drawn and scored like KerasLens's own.
    public init(maps: Tensor, classes: [Int], scores: [Float], surrogates: [LinearSurrogate]? = nil) {
        self.maps = maps
        self.classes = classes
        self.scores = scores
        self.surrogates = surrogates
    }

    /// Sample `index`'s map as a flat row-major array.
    public func map(_ index: Int) -> ArraySlice<Float> {
        let size = maps.shape.dropFirst().reduce(1, *)
        return maps.scalars[(index * size)..<((index + 1) * size)]
    }
}

/// A weighted linear model of the score over segments switched on and off (LIME).
public struct LinearSurrogate: Sendable, Equatable {
    /// The segment label of every input position, row-major.
    public var segments: [Int32]
    public var intercept: Double
    /// One coefficient per segment label.
    public var coefficients: [Double]
    /// The segments with the largest coefficients, largest first.
    public var topFeatures: [Int]
    /// The weighted R² of the fit, as `lime` reports it.
    public var score: Double
}

/// Why an explanation cannot be computed; each names the layer, option or shape at fault.
public struct ExplainError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
