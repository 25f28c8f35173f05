/// The event-time watermark over the partitions of a source: each partition's maximum event time minus
/// the allowed lateness, the minimum over partitions that are not idle, never moving back. Partitions
/// silent for longer than the idle timeout do not hold it back (Flink's idleness); a partition with no
/// event yet holds it at its starting value until it goes idle.
public struct WatermarkTracker: Sendable, Codable, Equatable {
    public let allowedLatenessMicros: Int64
    public let idleTimeoutMicros: Int64

    struct PartitionClock: Sendable, Codable, Equatable {
        /// The largest event time seen (`Int64.min` before any).
        var maxEvent: Int64
        /// Processing time the partition last had data (or was registered).
        var lastActive: Int64
    }

    /// Per partition: the largest event time seen and when it last had data.
    private var partitions: [Int32: PartitionClock] = [:]
    /// The current watermark; `Int64.min` until any event was seen.
    public private(set) var watermark = Int64.min

    public init(allowedLateness: Duration = .seconds(10), idleTimeout: Duration = .seconds(30)) {
        allowedLatenessMicros = allowedLateness.microseconds
        idleTimeoutMicros = idleTimeout.microseconds
    }

    /// Registers a partition with no data yet (it holds the watermark until it has data or goes idle).
    public mutating func register(partition: Int32, now: Int64) {
        if partitions[partition] == nil { partitions[partition] = PartitionClock(maxEvent: Int64.min, lastActive: now) }
    }

    /// Records a batch of a partition: its largest event time, observed at processing time `now`.
    public mutating func observe(partition: Int32, maxEventMicros: Int64, now: Int64) {
        let previous = partitions[partition]?.maxEvent ?? Int64.min
        partitions[partition] = PartitionClock(maxEvent: max(previous, maxEventMicros), lastActive: now)
    }

    /// Recomputes the watermark at processing time `now` (the engine applies it from the next batch).
    @discardableResult
    public mutating func advance(now: Int64) -> Int64 {
        let active = partitions.values.filter { now - $0.lastActive <= idleTimeoutMicros }
        // Everything idle: the partitions that had data decide.
        let candidates = active.isEmpty ? partitions.values.filter { $0.maxEvent > Int64.min } : active
        return raise(to: candidates)
    }

    /// The watermark when no more data is coming (`--once`): the minimum over the partitions that had
    /// data, however long ago.
    @discardableResult
    public mutating func advanceIgnoringIdleness(now: Int64) -> Int64 {
        raise(to: partitions.values.filter { $0.maxEvent > Int64.min })
    }

    private mutating func raise(to candidates: [PartitionClock]) -> Int64 {
        guard let slowest = candidates.map(\.maxEvent).min(), slowest > Int64.min else { return watermark }
        watermark = max(watermark, slowest - allowedLatenessMicros)
        return watermark
    }

    /// Whether an event is behind the watermark (late: kept in the raw table, left out of windows).
    public func isLate(_ eventMicros: Int64) -> Bool { eventMicros < watermark }
}
