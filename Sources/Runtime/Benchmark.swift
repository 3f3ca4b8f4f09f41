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

    /// Runs `body` `warmup` times untimed, then `repeats` times timed.
    public static func measure(repeats: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Timings {
        for _ in 0..<warmup { try body() }
        var seconds: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return Timings(seconds: seconds)
    }
}
