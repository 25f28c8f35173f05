import Storage

/// A table a job writes: its name under `tables/`, its schema, and the timestamp column that picks
/// the Hive partition (`date=…/hour=…`).
public struct TableSpecification: Sendable {
    public var name: String
    public var schema: ParquetSchema
    public var partitionColumn: Int?
    /// Per-column writer settings (e.g. no dictionary for a column of unique ids).
    public var columnOptions: [String: ParquetWriterConfiguration.ColumnOptions]

    public init(
        name: String, schema: ParquetSchema, partitionColumn: Int?,
        columnOptions: [String: ParquetWriterConfiguration.ColumnOptions] = [:]
    ) {
        self.name = name
        self.schema = schema
        self.partitionColumn = partitionColumn
        self.columnOptions = columnOptions
    }
}

/// A record that could not be used: malformed (with the reason) or late (behind the watermark).
public struct DeadLetter: Sendable, Codable, Equatable {
    public var partition: SourcePartition
    public var offset: Int64
    public var reason: String
    public var value: String
    /// For late records: the event time, µs since the epoch.
    public var eventTimeMicros: Int64?

    public init(partition: SourcePartition, offset: Int64, reason: String, value: String, eventTimeMicros: Int64? = nil)
    {
        self.partition = partition
        self.offset = offset
        self.reason = reason
        self.value = value
        self.eventTimeMicros = eventTimeMicros
    }
}

/// What a worker makes of one chunk (the map side): rows for the raw table, the records it refused,
/// event-time bounds, partial aggregates per key group, and a contribution to the live summary.
public struct MapOutput<Partial: Sendable, Summary: Sendable>: Sendable {
    /// The partition the chunk came from.
    public var partition: SourcePartition
    /// The raw table's rows (every valid record, late ones included), column by column.
    public var rows: [ParquetColumnBuffer]
    public var rowCount: Int
    public var malformed: [DeadLetter]
    public var late: [DeadLetter]
    /// Largest event time of the chunk's valid records (nil when there were none).
    public var maxEventMicros: Int64?
    public var minEventMicros: Int64?
    /// Pre-aggregated partials of the on-time rows, by key group.
    public var partials: [Int: Partial]
    public var summary: Summary
    /// Event times of the rows by millisecond, when the job measures end-to-end latency (the engine
    /// compares them with the moment the rows reach the live view).
    public var eventTimesMillis: [Int64: Int] = [:]

    public init(
        partition: SourcePartition, rows: [ParquetColumnBuffer], rowCount: Int, malformed: [DeadLetter],
        late: [DeadLetter],
        maxEventMicros: Int64?, minEventMicros: Int64?, partials: [Int: Partial], summary: Summary
    ) {
        self.partition = partition
        self.rows = rows
        self.rowCount = rowCount
        self.malformed = malformed
        self.late = late
        self.maxEventMicros = maxEventMicros
        self.minEventMicros = minEventMicros
        self.partials = partials
        self.summary = summary
    }
}

/// A streaming query the engine runs: a map from source records to rows and keyed partials, a keyed
/// reduce into window state held per key group, windows closed by the watermark, and a live summary.
///
/// The engine owns batching, checkpoints, the shuffle of partials to the workers owning their key
/// groups, sinks and recovery; a job only says what to compute.
public protocol StreamJob: Sendable {
    /// A map-side partial aggregate of one key group.
    associatedtype Partial: Sendable
    /// The state of one key group (snapshotted with each checkpoint).
    associatedtype GroupState: Sendable, Codable
    /// A row the job emits when the watermark closes a window (append mode).
    associatedtype Result: Sendable
    /// A changed row of the current windows (update mode, for the live view), identified by its
    /// window and key so a newer value replaces an older one.
    associatedtype Update: Sendable, Identifiable, Encodable where Update.ID: Sendable
    /// Running totals over everything processed (for the live view; snapshotted).
    associatedtype Summary: Sendable, Codable

    /// The checkpoint directory's name under `checkpoints/`.
    var name: String { get }
    /// The raw table every valid record goes to, if any.
    var rawTable: TableSpecification? { get }
    /// The table closed windows go to.
    var resultTable: TableSpecification { get }

    /// Decodes one chunk and pre-aggregates its on-time rows (rows behind `watermarkMicros` are late).
    func map(_ chunk: SourceChunk, watermarkMicros: Int64, keyGroups: Int) -> MapOutput<Partial, Summary>

    func makeGroupState() -> GroupState
    /// Adds a partial into a key group's state; appends the rows it changed.
    func reduce(_ partial: Partial, into state: inout GroupState, updates: inout [Update])
    /// Removes and returns the windows of a key group that end at or before the watermark.
    func close(_ state: inout GroupState, watermarkMicros: Int64) -> [Result]
    /// Whether the window of `update` is still open at the watermark (the live view drops it when not:
    /// its final value arrives as a `Result`).
    func isOpen(_ update: Update, watermarkMicros: Int64) -> Bool
    /// Rows held by a key group's state.
    func rowCount(of state: GroupState) -> Int

    /// The result table's columns for closed windows.
    func columns(of results: [Result]) -> [ParquetColumnBuffer]

    func makeSummary() -> Summary
    func merge(_ summary: Summary, into total: inout Summary)
}
