/// End-to-end latency (event time → visible in the live view) in milliseconds: exact counts per
/// millisecond up to 60 s, one bucket beyond.
public struct LatencyHistogram: Sendable, Equatable {
    private var counts = [Int](repeating: 0, count: 60_001)
    public private(set) var samples = 0
    public private(set) var maxMillis: Int64 = 0

    public init() {}

    public mutating func record(_ millis: Int64, count: Int = 1) {
        let bucket = Int(min(max(millis, 0), 60_000))
        counts[bucket] += count
        samples += count
        maxMillis = max(maxMillis, millis)
    }

    /// The smallest latency at or under which `fraction` of the samples are.
    public func quantile(_ fraction: Double) -> Int64? {
        guard samples > 0 else { return nil }
        let rank = Int((Double(samples) * fraction).rounded(.up))
        var seen = 0
        for (millis, count) in counts.enumerated() {
            seen += count
            if seen >= max(1, rank) { return Int64(millis) }
        }
        return maxMillis
    }

    public var summary: StreamingProgress.Latency? {
        guard samples > 0, let p50 = quantile(0.5), let p99 = quantile(0.99) else { return nil }
        return StreamingProgress.Latency(samples: samples, p50Ms: p50, p99Ms: p99, maxMs: maxMillis)
    }
}
