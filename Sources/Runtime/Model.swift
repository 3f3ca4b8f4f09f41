import Graph

/// A graph made ready to run: one kernel per node, weights repacked, and for every node the last node that reads
/// it, so intermediate buffers go back to the pool as soon as they are dead.
///
/// A `Model` is immutable and can be used from several threads at once; each call owns its buffers.
public final class Model: Sendable {
    public let graph: Graph
    private let kernels: [(any Kernel)?]
    private let producers: [[Int]]
    private let lastReader: [Int]
    private let sampleCounts: [Int]
    private let inputIndices: [Int]
    private let outputIndices: [Int]

    public init(_ graph: Graph) throws(RuntimeError) {
        self.graph = graph
        var position: [String: Int] = [:]
        var kernels: [(any Kernel)?] = []
        var producers: [[Int]] = []
        for (index, node) in graph.nodes.enumerated() {
            var sources: [Int] = []
            for name in node.inputs {
                guard let source = position[name] else {
                    throw RuntimeError(.unsupported, layer: node.name, "input '\(name)' is not computed before this layer")
                }
                sources.append(source)
            }
            let shapes = KernelShapes(inputs: sources.map { graph.nodes[$0].outputShape }, output: node.outputShape)
            kernels.append(try makeKernel(for: node, shapes: shapes))
            producers.append(sources)
            position[node.name] = index
        }
        var lastReader = Array(graph.nodes.indices)
        for (index, sources) in producers.enumerated() {
            for source in sources { lastReader[source] = max(lastReader[source], index) }
        }
        func indices(_ names: [String]) throws(RuntimeError) -> [Int] {
            var result: [Int] = []
            for name in names {
                guard let index = position[name] else { throw RuntimeError(.unknownLayer, layer: name, "the graph has no such node") }
                result.append(index)
            }
            return result
        }
        self.kernels = kernels
        self.producers = producers
        self.lastReader = lastReader
        sampleCounts = graph.nodes.map { $0.outputShape.reduce(1, *) }
        inputIndices = try indices(graph.inputs)
        outputIndices = try indices(graph.outputs)
    }

    /// Per-sample shapes of the model's inputs, in order.
    public var inputShapes: [[Int]] { inputIndices.map { graph.nodes[$0].outputShape } }
    /// Per-sample shapes of the model's outputs, in order.
    public var outputShapes: [[Int]] { outputIndices.map { graph.nodes[$0].outputShape } }

    /// The outputs of one pass: the model's outputs and any layers asked for, each batch-first.
    public struct Outputs: Sendable {
        public var outputs: [Tensor]
        public var layers: [String: Tensor]
    }

    /// Runs one pass over a whole batch. Each input is batch-first with the model's per-sample shape, or a single
    /// sample without the batch axis.
    public func run(_ inputs: [Tensor], capture layers: [String] = []) throws(RuntimeError) -> Outputs {
        let (batch, batched) = try checkInputs(inputs)
        let captured = try layers.map { name throws(RuntimeError) in try index(of: name) }
        let pool = BufferPool()
        let buffers = execute(batched, batch: batch, keep: Set(captured + outputIndices), pool: pool)
        defer { for buffer in buffers.values { pool.give(buffer) } }
        func tensor(_ index: Int) -> Tensor {
            let count = batch * sampleCounts[index]
            return Tensor(shape: [batch] + graph.nodes[index].outputShape,
                          scalars: Array(UnsafeBufferPointer(start: buffers[index]!.pointer, count: count)))
        }
        var named: [String: Tensor] = [:]
        for (name, index) in zip(layers, captured) { named[name] = tensor(index) }
        return Outputs(outputs: outputIndices.map(tensor), layers: named)
    }

    /// Runs the model over a large set in batches of `batchSize`, returning the first output, or the output of
    /// `layer` when given, for every sample.
    public func predict(_ inputs: [Tensor], layer: String? = nil, batchSize: Int = 64) throws(RuntimeError) -> Tensor {
        let (total, batched) = try checkInputs(inputs)
        let target = try layer.map { name throws(RuntimeError) in try index(of: name) } ?? outputIndices[0]
        let sampleCount = sampleCounts[target]
        var result = [Float](repeating: 0, count: total * sampleCount)
        let pool = BufferPool()
        let step = max(1, batchSize)
        for start in stride(from: 0, to: total, by: step) {
            let batch = min(step, total - start)
            let slices = zip(batched, inputIndices).map { tensor, index in
                Tensor(shape: [batch] + graph.nodes[index].outputShape,
                       scalars: Array(tensor.scalars[(start * sampleCounts[index])..<((start + batch) * sampleCounts[index])]))
            }
            let buffers = execute(slices, batch: batch, keep: [target], pool: pool)
            result.withUnsafeMutableBufferPointer { result in
                (result.baseAddress! + start * sampleCount).update(from: buffers[target]!.pointer, count: batch * sampleCount)
            }
            for buffer in buffers.values { pool.give(buffer) }
        }
        return Tensor(shape: [total] + graph.nodes[target].outputShape, scalars: result)
    }

    /// Convenience for single-input models.
    public func predict(_ input: Tensor, layer: String? = nil, batchSize: Int = 64) throws(RuntimeError) -> Tensor {
        try predict([input], layer: layer, batchSize: batchSize)
    }

    private func index(of layer: String) throws(RuntimeError) -> Int {
        guard let index = graph.index(of: layer) else {
            let names = graph.nodes.map(\.name).joined(separator: ", ")
            throw RuntimeError(.unknownLayer, layer: layer, "the model has no such layer; its layers are \(names)")
        }
        return index
    }

    /// Checks input count and shapes; adds the batch axis to single samples.
    private func checkInputs(_ inputs: [Tensor]) throws(RuntimeError) -> (Int, [Tensor]) {
        guard inputs.count == inputIndices.count else {
            throw RuntimeError(.inputShape, "the model takes \(inputIndices.count) inputs, got \(inputs.count)")
        }
        var batch: Int?
        var batched: [Tensor] = []
        for (tensor, index) in zip(inputs, inputIndices) {
            let node = graph.nodes[index]
            var tensor = tensor
            if tensor.shape == node.outputShape { tensor.shape = [1] + tensor.shape }
            guard tensor.rank == node.outputShape.count + 1, Array(tensor.shape.dropFirst()) == node.outputShape else {
                throw RuntimeError(.inputShape, layer: node.name,
                                   "input has shape \(tensor.shape), the model takes (N, \(node.outputShape.map(String.init).joined(separator: ", ")))")
            }
            guard batch == nil || batch == tensor.shape[0] else {
                throw RuntimeError(.inputShape, layer: node.name, "inputs have different batch sizes")
            }
            batch = tensor.shape[0]
            batched.append(tensor)
        }
        return (batch ?? 0, batched)
    }

    /// Runs every node in order; returns the buffers of the nodes in `keep` (the caller returns them to the pool).
    private func execute(_ inputs: [Tensor], batch: Int, keep: Set<Int>,
                         pool: BufferPool) -> [Int: (pointer: UnsafeMutablePointer<Float>, capacity: Int)] {
        var buffers: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)?] = Array(repeating: nil, count: kernels.count)
        for (tensor, index) in zip(inputs, inputIndices) {
            let buffer = pool.take(tensor.count)
            tensor.scalars.withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: tensor.count) }
            buffers[index] = buffer
        }
        for (index, kernel) in kernels.enumerated() {
            guard let kernel else { continue }
            let output = pool.take(batch * sampleCounts[index])
            kernel.forward(producers[index].map { UnsafePointer(buffers[$0]!.pointer) }, output.pointer, batch: batch)
            buffers[index] = output
            for source in Set(producers[index]) where lastReader[source] == index && !keep.contains(source) {
                pool.give(buffers[source]!)
                buffers[source] = nil
            }
        }
        var kept: [Int: (pointer: UnsafeMutablePointer<Float>, capacity: Int)] = [:]
        for (index, buffer) in buffers.enumerated() {
            guard let buffer else { continue }
            if keep.contains(index) { kept[index] = buffer } else { pool.give(buffer) }
        }
        return kept
    }
}
