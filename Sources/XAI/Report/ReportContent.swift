/// Everything the HTML report of one model on one labelled set shows, gathered by the caller (`keraslens evaluate`)
/// so that `HTMLReport.render` stays a pure function of it: no files, no clock, the same page for the same content.
public struct ReportContent: Sendable, Equatable {
    /// The model's display name, the page's title.
    public var modelName: String
    /// The model file as the user named it, shown so a report can be traced back to what produced it.
    public var modelFile: String
    /// The labelled set the classification metrics were computed on.
    public var datasetName: String
    /// One name per class, in class-id order; ids without a name are shown as their number.
    public var classNames: [String]
    /// Nil when the set has no labels: the page then shows the explanations alone.
    public var classification: ClassificationMetrics?
    /// Table I: one row per method and dataset, in the order given (rows of one dataset are shown together).
    public var explanations: [ExplanationMetricsRow]
    /// Explanation pictures, shown grouped by sample, then by method, each in the order it first appears.
    public var figures: [ReportFigure]

    public init(modelName: String, modelFile: String, datasetName: String, classNames: [String],
                classification: ClassificationMetrics?, explanations: [ExplanationMetricsRow] = [],
                figures: [ReportFigure] = []) {
        self.modelName = modelName
        self.modelFile = modelFile
        self.datasetName = datasetName
        self.classNames = classNames
        self.classification = classification
        self.explanations = explanations
        self.figures = figures
    }

    /// The name of class `k`, or its id when `classNames` is short.
    func className(_ k: Int) -> String { k >= 0 && k < classNames.count ? classNames[k] : String(k) }
}
