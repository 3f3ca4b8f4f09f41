/// The explanation methods, by the names the command line uses. docs/METHODS.md gives each one's exact formula.
public enum ExplanationMethod: String, Sendable, CaseIterable {
    case gradcam
    case gradcamPlusPlus = "gradcam++"
    case ablationcam
    case scorecam
    case layercam
    case xgradcam
    case hirescam
    case eigencam
    case saliency
    case smoothgrad
    case integratedGradients = "integrated-gradients"
    case occlusion
    case rise
    case lime
    case sise

    /// Class-activation methods: a map over one layer's positions, brought to the input's size.
    public var isCAM: Bool {
        switch self {
        case .gradcam, .gradcamPlusPlus, .ablationcam, .scorecam, .layercam, .xgradcam, .hirescam, .eigencam: return true
        default: return false
        }
    }

    /// Whether the method reads one named layer (`sise` reads several and picks defaults itself).
    public var needsLayer: Bool { isCAM }

    /// Whether the method draws random numbers (and so takes a seed).
    public var isStochastic: Bool { self == .smoothgrad || self == .rise || self == .lime }

    /// The explainer that computes this method.
    var explainer: any Explainer {
        switch self {
        case .gradcam: return CAMExplainer(GradCAM())
        case .gradcamPlusPlus: return CAMExplainer(GradCAMPlusPlus())
        case .ablationcam: return CAMExplainer(AblationCAM())
        case .scorecam: return CAMExplainer(ScoreCAM())
        case .layercam: return CAMExplainer(LayerCAM())
        case .xgradcam: return CAMExplainer(XGradCAM())
        case .hirescam: return CAMExplainer(HiResCAM())
        case .eigencam: return CAMExplainer(EigenCAM())
        case .saliency: return Saliency()
        case .smoothgrad: return SmoothGrad()
        case .integratedGradients: return IntegratedGradients()
        case .occlusion: return Occlusion()
        case .rise: return RISE()
        case .lime: return LIME()
        case .sise: return SISE()
        }
    }
}
