import KerasLensGraph

extension Plan {
    /// Bytes of the largest activation one pass may hold. Big enough that small models run their whole batch in
    /// one pass (MNIST-1D: 4 KB a sample), small enough that an image model's layer outputs stay in the last-level
    /// cache and that memory stays bounded for any batch size (HMT: 6.4 MB a sample, so two images a pass instead
    /// of 205 MB a layer for a batch of 32). The results do not depend on it: samples are independent.
    static let passBytes = 16 << 20

    /// Samples per pass of a gradient computation: at most `limit`, at most what fits `passBytes`, at least one. It
    /// keeps every activation for the backward pass, so one size holds for all its steps; forward passes grow
    /// theirs as the activations shrink (`passSegments`).
    func passSize(limit: Int) -> Int {
        Self.passSize(largest: steps.map(\.count).max() ?? 1, limit: limit, bytes: Self.passBytes)
    }

    /// Samples per pass when the largest activation holds `largest` floats a sample: at most `limit`, at most
    /// what fits `bytes`, at least one.
    static func passSize(largest: Int, limit: Int, bytes: Int) -> Int {
        max(1, min(limit, bytes / max(1, largest * MemoryLayout<Float>.size)))
    }
}

extension GradientSchedule {
    /// Samples per pass of a gradient call: what the largest activation of either plan's steps allows
    /// (`Plan.passSize`), and at most what keeps the floats one pass holds (every kept activation and every gradient
    /// of the region, all alive until its backward walk ends) within half of `PoolCache.retainLimit`, so that the
    /// call's buffers are kept for the next call (five 224² DenseNet121 images a pass held 1.3 GB; the pool was
    /// dropped after every call and the next one faulted in all its pages again).
    ///
    /// Where the gradient plan's steps allow more samples than the inference plan's and their weights, read once a
    /// pass, outweigh what their activations take at the inference plan's size, the pass takes that many and the
    /// inference plan's part runs in passes of its own, joined (`Model.inferencePart`): a CAM on VGG16's last
    /// convolution read `fc1`'s 411 MB once an image, the first layers allowing one image a pass.
    func passSize(limit: Int) -> Int {
        let own = Plan.passSize(largest: largestGradient, limit: limit, bytes: Plan.passBytes)
        let early = inferencePassSize(limit: limit)
        let planned = own > early && gradientWeights >= early * gradientActivations ? own : min(own, early)
        return Self.passSize(planned: planned, floatsPerSample: floatsPerSample, budget: PoolCache.retainLimit / 2)
    }

    /// Samples per pass of the inference plan's part of a gradient pass: what its largest activation allows.
    func inferencePassSize(limit: Int) -> Int {
        Plan.passSize(largest: largestInference, limit: limit, bytes: Plan.passBytes)
    }

    /// `planned` samples, fewer when that many would hold more than `budget` floats, at least one.
    static func passSize(planned: Int, floatsPerSample: Int, budget: Int) -> Int {
        min(planned, max(1, budget / max(1, floatsPerSample)))
    }
}

extension Model {
    /// `body` over consecutive runs of at most `pass` of `batch` samples, the results joined: memory stays bounded
    /// for any batch, and since samples are independent the result is the one a single pass gives.
    func inPasses<Result, Failure: Error>(of batch: Int, pass: Int, join: ([Result]) -> Result,
                                          _ body: (Range<Int>) throws(Failure) -> Result) throws(Failure) -> Result {
        guard pass < batch else { return try body(0..<batch) }
        var parts: [Result] = []
        for start in stride(from: 0, to: batch, by: pass) { parts.append(try body(start..<min(start + pass, batch))) }
        return join(parts)
    }
}

extension Model.Outputs {
    /// The outputs of consecutive runs of samples, as one (a single run as it is, not copied).
    init(joining parts: [Model.Outputs]) {
        if parts.count == 1 {
            self = parts[0]
            return
        }
        outputs = parts[0].outputs.indices.map { i in Tensor(joiningSamples: parts.map { $0.outputs[i] }) }
        layers = parts[0].layers.keys.reduce(into: [:]) { result, name in
            result[name] = Tensor(joiningSamples: parts.map { $0.layers[name]! })
        }
    }
}
