/// Keras's merge layers. Sum, Mean, Max and Min take any number of inputs; Mul is chained pairwise in input order,
/// like Keras's Multiply.
extension ONNXBuilder {
    mutating func merge(_ kind: MergeKind, inputs: [String], layer: String, into output: String) {
        switch kind {
        case .add: add("Sum", inputs, into: output)
        case .subtract: add("Sub", inputs, into: output)
        case .average: add("Mean", inputs, into: output)
        case .maximum: add("Max", inputs, into: output)
        case .minimum: add("Min", inputs, into: output)
        case .multiply:
            var product = inputs[0]
            for (position, factor) in inputs.dropFirst().enumerated() {
                let target = position == inputs.count - 2 ? output : fresh(layer, "Mul")
                add("Mul", [product, factor], into: target)
                product = target
            }
        }
    }
}
