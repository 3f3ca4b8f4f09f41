import Dispatch

/// Wall-clock timings of repeated runs, summarised the way the benchmarks report them.
public struct Timings: Sendable {
    /// Seconds per run, in the order they ran.
    public var seconds: [Double]

    public var median: Double {
        let sorted = seconds.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
    public var minimum: Double { seconds.min() ?? 0 }
    public var maximum: Double { seconds.max() ?? 0 }

    /// Runs `body` untimed for `warmup` seconds (at least once), then `repeats` times timed. The warm-up is a
    /// time, not a count: on the 2-core VMs here a new process's second core runs at half speed for up to ~100 ms,
    /// which one untimed run of a small model does not cover.
    public static func measure(repeats: Int, warmup: Double = 0.25, _ body: () throws -> Void) rethrows -> Timings {
        let warmupEnd = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, warmup) * 1e9)
        repeat { try body() } while DispatchTime.now().uptimeNanoseconds < warmupEnd
        var seconds: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return Timings(seconds: seconds)
    }
}
