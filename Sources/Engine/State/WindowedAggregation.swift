/// Keyed tumbling-window state: one `RevenueAggregate` per (window, dimension, key). Windows close when
/// the watermark passes their end; closed results come out sorted and leave the state.
public struct WindowedAggregation: Sendable {
    /// One group of the state.
    public struct Key: Sendable, Hashable, Comparable {
        public var windowStart: Int64
        public var dimension: String
        public var key: String

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.windowStart, lhs.dimension, lhs.key) < (rhs.windowStart, rhs.dimension, rhs.key)
        }
    }

    /// A window the watermark closed.
    public struct Closed: Sendable, Equatable {
        public var key: Key
        public var windowEnd: Int64
        public var aggregate: RevenueAggregate
    }

    public let window: TumblingWindow
    public private(set) var groups: [Key: RevenueAggregate] = [:]

    public init(window: TumblingWindow) {
        self.window = window
    }

    /// Adds one transaction to its window under each of its dimension values.
    public mutating func add(eventMicros: Int64, dimensions: [(String, String)], amount: Double, quantity: Int64) {
        let start = window.start(of: eventMicros)
        for (dimension, value) in dimensions {
            groups[Key(windowStart: start, dimension: dimension, key: value), default: RevenueAggregate()]
                .add(amount: amount, quantity: quantity)
        }
    }

    /// Merges another partial state (same window size) into this one.
    public mutating func merge(_ other: WindowedAggregation) {
        for (key, aggregate) in other.groups { groups[key, default: RevenueAggregate()].merge(aggregate) }
    }

    /// Removes and returns, sorted, every window whose end is at or before `watermarkMicros`.
    public mutating func close(upTo watermarkMicros: Int64) -> [Closed] {
        let closing = groups.keys.filter { window.end(ofWindowStartingAt: $0.windowStart) <= watermarkMicros }.sorted()
        return closing.compactMap { key in
            guard let aggregate = groups.removeValue(forKey: key) else { return nil }
            return Closed(key: key, windowEnd: window.end(ofWindowStartingAt: key.windowStart), aggregate: aggregate)
        }
    }
}
