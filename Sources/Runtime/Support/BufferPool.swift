/// Reuses float buffers between the layers of one pass and between the batches of one call, so that a long
/// `predict` touches fresh memory only for its first batch. Not shared between threads.
final class BufferPool {
    private var free: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []

    /// A buffer of at least `count` floats: the smallest free one that fits, else a new one.
    func take(_ count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        var best: Int?
        for (index, buffer) in free.enumerated() where buffer.capacity >= count {
            if best == nil || buffer.capacity < free[best!].capacity { best = index }
        }
        if let best { return free.remove(at: best) }
        return (UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1)), max(count, 1))
    }

    func give(_ buffer: (pointer: UnsafeMutablePointer<Float>, capacity: Int)) {
        free.append(buffer)
    }

    deinit {
        for buffer in free { buffer.pointer.deallocate() }
    }
}
