import Commerce
import Engine
import Storage

/// Where the dashboard's data comes from: a running engine's live view (`souk stream --web`,
/// `souk demo`) or the committed tables of a data directory (`souk web`).
package protocol DashboardSource: Sendable {
    /// `live` or `tables`.
    var mode: DashboardMode { get }
    /// Brings the source up to date; returns whether what it serves changed. The live view is
    /// always current; the tables read what was committed since the last call.
    func refresh() async throws -> Bool
    /// A number that grows whenever what the source serves changes.
    func version() async -> Int
    /// The versions as they change, when the source can push them; nil when it must be polled.
    func changes() -> AsyncStream<Int>?
    /// The read model now, with the windows of the `windowMinutes` before the newest event time and
    /// the `topCount` largest transactions.
    func snapshot(windowMinutes: Int, topCount: Int, asOfMicros: Int64) async -> CommerceSnapshot
    /// The newest progress reports, oldest first.
    func progress(last count: Int) async -> [StreamingProgress]
    /// The status strip's figures.
    func status(asOfMicros: Int64) async -> DashboardStatus
}

/// Which kind of source serves the dashboard.
package enum DashboardMode: String, Sendable, Encodable {
    case live
    case tables
}

/// What the status strip shows: throughput, lag, the last batch, the watermark, refused records.
package struct DashboardStatus: Sendable, Equatable, Encodable {
    package var mode: DashboardMode
    /// Input rows per second over the newest batches; nil without batches.
    package var eventsPerSecond: Double?
    /// Records in the source not processed yet; nil when unknown.
    package var consumerLag: Int64?
    /// The newest batch's own duration (computing and committing it), ms.
    package var lastBatchMs: Double?
    /// The watermark the newest batch applied, µs since the epoch.
    package var watermarkMicros: Int64?
    /// The newest event time seen, µs since the epoch.
    package var newestEventMicros: Int64?
    package var lateRows: Int64
    package var malformedRows: Int64
    package var batchId: Int64?
    package var asOfMicros: Int64

    package init(
        mode: DashboardMode, eventsPerSecond: Double? = nil, consumerLag: Int64? = nil, lastBatchMs: Double? = nil,
        watermarkMicros: Int64? = nil, newestEventMicros: Int64? = nil, lateRows: Int64 = 0, malformedRows: Int64 = 0,
        batchId: Int64? = nil, asOfMicros: Int64
    ) {
        self.mode = mode
        self.eventsPerSecond = eventsPerSecond
        self.consumerLag = consumerLag
        self.lastBatchMs = lastBatchMs
        self.watermarkMicros = watermarkMicros
        self.newestEventMicros = newestEventMicros
        self.lateRows = lateRows
        self.malformedRows = malformedRows
        self.batchId = batchId
        self.asOfMicros = asOfMicros
    }

    private enum CodingKeys: String, CodingKey {
        case mode
        case eventsPerSecond = "events_per_second"
        case consumerLag = "consumer_lag"
        case lastBatchMs = "last_batch_ms"
        case watermark
        case newestEvent = "newest_event"
        case lateRows = "late_rows"
        case malformedRows = "malformed_rows"
        case batchId = "batch_id"
        case asOf = "as_of"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mode, forKey: .mode)
        try container.encode(eventsPerSecond, forKey: .eventsPerSecond)
        try container.encode(consumerLag, forKey: .consumerLag)
        try container.encode(lastBatchMs, forKey: .lastBatchMs)
        try container.encode(
            watermarkMicros.flatMap { $0 == Int64.min ? nil : ISO8601Timestamp.format(micros: $0) }, forKey: .watermark)
        try container.encode(newestEventMicros.map { ISO8601Timestamp.format(micros: $0) }, forKey: .newestEvent)
        try container.encode(lateRows, forKey: .lateRows)
        try container.encode(malformedRows, forKey: .malformedRows)
        try container.encode(batchId, forKey: .batchId)
        try container.encode(ISO8601Timestamp.format(micros: asOfMicros), forKey: .asOf)
    }
}
