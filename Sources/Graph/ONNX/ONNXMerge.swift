import KerasLensGraph

/// Keras's merge layers. Sum, Mean, Max and Min take any number of inputs; Mul is chained pairwise in input order,
/// like Keras's Multiply. ONNX broadcasts these ops NumPy's way over the whole tensor, batch axis included, so an
/// input of lower rank first gets its missing axes after the batch axis (`Unsqueeze`), as Keras expands it.
extension ONNXBuilder {
    /// `Σ cᵢ · xᵢ`: each input times its coefficient (`Mul` by a scalar constant, left out for 1), then `Sum`.
    mutating func linearCombination(_ coefficients: [Float], inputs: [String], layer: String, into output: String) {
        let terms = zip(inputs, coefficients).map { input, coefficient in
            coefficient == 1 ? input : step("Mul", [input, scalar(coefficient, layer: layer, "coefficient")], layer: layer)
        }
        add("Sum", terms, into: output)
    }

    mutating func merge(_ kind: MergeKind, inputs: [String], shapes: [[Int]], layer: String, into output: String) {
        let rank = shapes.map(\.count).max() ?? 0
        var aligned: [String] = []
        for (input, shape) in zip(inputs, shapes) {
            guard shape.count < rank else { aligned.append(input); continue }
            let axes = int64s(Array(1...(rank - shape.count)), layer: layer, "axes")
            aligned.append(step("Unsqueeze", [input, axes], layer: layer))
        }
        switch kind {
        case .add: add("Sum", aligned, into: output)
        case .subtract: add("Sub", aligned, into: output)
        case .divide: add("Div", aligned, into: output)
        case .average: add("Mean", aligned, into: output)
        case .maximum: add("Max", aligned, into: output)
        case .minimum: add("Min", aligned, into: output)
        case .multiply:
            var product = aligned[0]
            for (position, factor) in aligned.dropFirst().enumerated() {
                let target = position == aligned.count - 2 ? output : fresh(layer, "Mul")
                add("Mul", [product, factor], into: target)
                product = target
            }
        }
    }
}
