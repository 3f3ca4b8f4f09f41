import KerasLensGraph

/// Keras 3's `naming.to_snake_case`, which names a layer's folder in a `.keras` weights file (`Conv2D` → `conv2d`,
/// `PReLU` → `p_re_lu`).
func kerasSnakeCase(_ name: String) -> String {
    var text = name.replacing(/[^A-Za-z0-9_]+/, with: "")
    text = text.replacing(/(.)([A-Z][a-z]+)/) { "\($0.1)_\($0.2)" }
    text = text.replacing(/([a-z])([A-Z])/) { "\($0.1)_\($0.2)" }
    return text.lowercased()
}
