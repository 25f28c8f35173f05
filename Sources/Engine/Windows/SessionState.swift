/// Session windows per key: a session is a run of events each within `gap` of the previous one; it
/// spans [first event, last event + gap). An event bridging two sessions merges them. Sessions close
/// when the watermark passes their end. Partial states (of several workers) merge.
public struct SessionState<Key: Hashable & Codable & Sendable, Aggregate: MergeableAggregate>: Sendable, Codable {
    public struct Session: Sendable, Codable, Equatable {
        public var start: Int64
        /// Exclusive: last event time + gap.
        public var end: Int64
        public var aggregate: Aggregate
    }

    public let gapMicros: Int64
    /// Open sessions per key, sorted by start, never overlapping.
    public private(set) var sessions: [Key: [Session]] = [:]

    public init(gap: Duration) throws(WindowError) {
        gapMicros = gap.microseconds
        guard gapMicros > 0 else { throw WindowError(description: "a session gap must be positive") }
    }

    /// Adds an event of `key` at `eventMicros` carrying `value`.
    public mutating func add(key: Key, eventMicros: Int64, value: Aggregate) {
        insert(key: key, Session(start: eventMicros, end: eventMicros + gapMicros, aggregate: value))
    }

    /// Merges the sessions of another partial state into this one.
    public mutating func merge(_ other: SessionState) {
        for (key, list) in other.sessions {
            for session in list { insert(key: key, session) }
        }
    }

    /// Removes and returns the sessions whose end is at or before the watermark, by key then start.
    public mutating func close(upTo watermarkMicros: Int64) -> [(key: Key, session: Session)] {
        var closed: [(key: Key, session: Session)] = []
        for (key, list) in sessions {
            let (done, open) = (list.filter { $0.end <= watermarkMicros }, list.filter { $0.end > watermarkMicros })
            closed += done.map { (key, $0) }
            sessions[key] = open.isEmpty ? nil : open
        }
        return closed.sorted { $0.session.start < $1.session.start }
    }

    /// Sessions that overlap or touch (one starts at or before the other ends) become one.
    private mutating func insert(key: Key, _ session: Session) {
        let all = ((sessions[key] ?? []) + [session]).sorted { $0.start < $1.start }
        var merged: [Session] = []
        for next in all {
            if var last = merged.last, next.start <= last.end {
                last.end = max(last.end, next.end)
                last.aggregate.merge(next.aggregate)
                merged[merged.count - 1] = last
            } else {
                merged.append(next)
            }
        }
        sessions[key] = merged
    }
}
