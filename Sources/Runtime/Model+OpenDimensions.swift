import Foundation
import KerasLensGraph

/// Models whose inputs have open (`None`) dimensions: plans need concrete shapes, so such a model holds no plans
/// of its own; each call runs on the model specialised to its inputs' per-sample shapes (`Graph.specialized`),
/// built once per shape and kept in a small cache, so repeated calls at a seen shape reuse its plans, kernels
/// and buffer pools. A batch holds one shape.
extension Model {
    /// The model at concrete per-sample input shapes (in input order): this model when it has no open
    /// dimensions, else a cached specialisation. A shape a layer cannot take is refused naming the layer and shapes.
    public func specialized(for inputShapes: [[Int]]) throws(RuntimeError) -> Model {
        guard let specializations else { return self }
        if let cached = specializations.model(for: inputShapes) { return cached }
        let graph: Graph
        do {
            graph = try self.graph.specialized(inputShapes: inputShapes)
        } catch {
            throw RuntimeError(.inputShape, layer: error.layer, error.detail)
        }
        let model = try Model(graph)
        specializations.keep(model, for: inputShapes)
        return model
    }

    /// The specialisation for these batch-first inputs (or single samples), or nil for a model without open
    /// dimensions.
    func specialized(forInputs inputs: [Tensor]) throws(RuntimeError) -> Model? {
        guard specializations != nil else { return nil }
        guard inputs.count == inputNames.count else {
            throw RuntimeError(.inputShape, "the model takes \(inputNames.count) inputs, got \(inputs.count)")
        }
        var shapes: [[Int]] = []
        for (tensor, (name, declared)) in zip(inputs, zip(inputNames, inputShapes)) {
            switch tensor.rank {
            case declared.count: shapes.append(tensor.shape)
            case declared.count + 1: shapes.append(Array(tensor.shape.dropFirst()))
            default:
                throw RuntimeError(.inputShape, layer: name, "input has shape \(tensor.shape), the model takes (N, \(Graph.describe(declared).dropFirst())")
            }
        }
        return try specialized(for: shapes)
    }

    /// Refuses a call that needs concrete shapes but is given none on a model with open dimensions.
    func requireConcreteShapes(_ what: String) throws(RuntimeError) {
        guard specializations != nil else { return }
        throw requireConcreteShapesError(what)
    }

    func requireConcreteShapesError(_ what: String) -> RuntimeError {
        RuntimeError(.unsupported, "\(what) needs the input's shape on a model with open input dimensions \(inputShapes.map(Graph.describe).joined(separator: ", ")); use the model specialised to it (Model.specialized(for:))")
    }
}

/// The specialisations of a model with open dimensions, most recently used first; at most `capacity`.
final class SpecializationCache: @unchecked Sendable {
    static let capacity = 8
    private let lock = NSLock()
    private var entries: [(shapes: [[Int]], model: Model)] = []

    func model(for shapes: [[Int]]) -> Model? {
        lock.withLock {
            guard let index = entries.firstIndex(where: { $0.shapes == shapes }) else { return nil }
            if index != 0 { entries.insert(entries.remove(at: index), at: 0) }
            return entries[0].model
        }
    }

    func keep(_ model: Model, for shapes: [[Int]]) {
        lock.withLock {
            guard !entries.contains(where: { $0.shapes == shapes }) else { return }
            entries.insert((shapes, model), at: 0)
            if entries.count > Self.capacity { entries.removeLast() }
        }
    }

    var count: Int { lock.withLock { entries.count } }
}
