import Foundation

/// Reuses float buffers between the layers of one pass and between the batches of one call, so that a long
/// `predict` touches fresh memory only for its first batch. Not shared between threads.
final class BufferPool {
    fileprivate var free: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    /// Buffers this pool has allocated: a call that returns what it took leaves the next call nothing to allocate.
    private(set) var allocations = 0

    /// A buffer of at least `count` floats: the smallest free one that fits, else a new one.
    func take(_ count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        var best: Int?
        for (index, buffer) in free.enumerated() where buffer.capacity >= count {
            if best == nil || buffer.capacity < free[best!].capacity { best = index }
        }
        if let best { return free.remove(at: best) }
        allocations += 1
        let capacity = max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
        return (raw.bindMemory(to: Float.self, capacity: capacity), capacity)
    }

    func give(_ buffer: (pointer: UnsafeMutablePointer<Float>, capacity: Int)) {
        free.append(buffer)
    }

    deinit {
        for buffer in free { buffer.pointer.deallocate() }
    }
}

extension BufferPool {
    /// Floats held in the pool's free buffers.
    var retained: Int { free.reduce(0) { $0 + $1.capacity } }
}

/// Pools kept between calls on one model, so that repeated calls (a benchmark, an explainer's many passes) reuse
/// memory the kernel has already mapped instead of faulting in fresh pages for every layer of every call. A call
/// takes a pool for itself and gives it back; pools holding more than `retainLimit` floats are dropped, which
/// bounds what an idle model keeps.
final class PoolCache: @unchecked Sendable {
    private let lock = NSLock()
    private var pools: [BufferPool] = []
    /// 1 GiB: one gradient call on a 224² ResNet50 image holds ~290 MB, and below that size every call faulted in
    /// fresh pages (a third of its time).
    static let retainLimit = 1 << 30 / MemoryLayout<Float>.size

    func take() -> BufferPool {
        lock.withLock { pools.popLast() } ?? BufferPool()
    }

    func give(_ pool: BufferPool) {
        guard pool.retained <= Self.retainLimit else { return }
        lock.withLock { if pools.count < Parallel.workers { pools.append(pool) } }
    }
}
