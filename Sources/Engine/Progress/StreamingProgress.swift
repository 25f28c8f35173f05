/// One batch's report, after Spark's StreamingQueryProgress: what was read, how fast, where the time
/// went, the watermark, state size, refused records and what the sinks committed.
public struct StreamingProgress: Sendable, Codable, Equatable {
    public struct Durations: Sendable, Codable, Equatable {
        /// Asking the source what is available.
        public var latestOffset: Double = 0
        public var queryPlanning: Double = 0
        /// Writing `offsets/N`.
        public var walCommit: Double = 0
        /// Reading, decoding, aggregating and writing the sinks.
        public var addBatch: Double = 0
        public var getBatch: Double = 0
        public var map: Double = 0
        public var reduce: Double = 0
        public var sink: Double = 0
        /// Saving state and writing `commits/N`.
        public var commitOffsets: Double = 0
        /// Waiting, computed, for the commits of earlier batches (not part of `triggerExecution`).
        public var commitQueue: Double = 0
        /// The batch's own work: computing it and committing it.
        public var triggerExecution: Double = 0
    }

    public struct EventTime: Sendable, Codable, Equatable {
        public var min: String?
        public var max: String?
        public var watermark: String?
    }

    public struct StateOperator: Sendable, Codable, Equatable {
        public var numRowsTotal: Int
        public var numRowsUpdated: Int
        public var memoryUsedBytes: Int
        public var numRowsDroppedByWatermark: Int
    }

    public struct Source: Sendable, Codable, Equatable {
        public var description: String
        public var startOffset: [String: Int64]
        public var endOffset: [String: Int64]
        public var numInputRows: Int
    }

    public struct Sink: Sendable, Codable, Equatable {
        public var description: String
        public var committedFiles: [String]
        public var numOutputRows: Int64
    }

    /// End-to-end latency since the stream started: the event time of each row (its producer's
    /// clock) to the moment its batch reached the live view. Only when the job measures it.
    public struct Latency: Sendable, Codable, Equatable {
        public var samples: Int
        public var p50Ms: Int64
        public var p99Ms: Int64
        public var maxMs: Int64
    }

    public var batchId: Int64
    /// ISO-8601 time the batch started.
    public var timestamp: String
    public var numInputRows: Int
    public var inputRowsPerSecond: Double
    public var processedRowsPerSecond: Double
    public var durationMs: Durations
    public var eventTime: EventTime
    /// The watermark this batch applied, µs since the epoch (`Int64.min` before any event).
    public var watermark: Int64
    public var stateOperators: [StateOperator]
    public var lateRows: Int
    public var malformedRows: Int
    public var sources: [Source]
    public var sinks: [Sink]
    public var latency: Latency?
}
