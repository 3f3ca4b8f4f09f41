/// One row of the explanation metrics table (the course's Table I): how faithful one method's maps are on one
/// dataset. Every measure is optional because not every run computes every metric; a missing one shows as a dash.
/// Rates are fractions (0.25 means 25 %), as in `keraslens evaluate --json`; the table shows them as percent.
public struct ExplanationMetricsRow: Sendable, Equatable {
    public var method: String
    public var dataset: String
    /// The layer the maps were taken from.
    public var layer: String?
    /// The fraction of the input kept by the drop/increase test.
    public var frac: Double?
    /// How many samples were explained and scored.
    public var samples: Int?
    /// The mean relative fall of the predicted class's score when only the map's top `frac` is kept (lower is better).
    public var dropRate: Double?
    /// The share of samples whose score rose under that masking (higher is better).
    public var increaseRate: Double?
    /// Grad-CAM++'s Average Drop, the map used as a soft mask (lower is better).
    public var averageDrop: Double?
    /// Grad-CAM++'s Increase in Confidence (higher is better).
    public var increaseInConfidence: Double?
    /// The share of samples on which this method's drop was the lowest of all methods compared (higher is better).
    public var winRate: Double?
    /// RISE's deletion AUC: the score as the most important inputs are removed (lower is better).
    public var deletionAUC: Double?
    /// RISE's insertion AUC: the score as they are added to a blurred input (higher is better).
    public var insertionAUC: Double?
    /// Wall time of explaining and scoring the samples.
    public var seconds: Double?

    public init(method: String, dataset: String, layer: String? = nil, frac: Double? = nil, samples: Int? = nil,
                dropRate: Double? = nil, increaseRate: Double? = nil, averageDrop: Double? = nil,
                increaseInConfidence: Double? = nil, winRate: Double? = nil, deletionAUC: Double? = nil,
                insertionAUC: Double? = nil, seconds: Double? = nil) {
        self.method = method
        self.dataset = dataset
        self.layer = layer
        self.frac = frac
        self.samples = samples
        self.dropRate = dropRate
        self.increaseRate = increaseRate
        self.averageDrop = averageDrop
        self.increaseInConfidence = increaseInConfidence
        self.winRate = winRate
        self.deletionAUC = deletionAUC
        self.insertionAUC = insertionAUC
        self.seconds = seconds
    }
}
