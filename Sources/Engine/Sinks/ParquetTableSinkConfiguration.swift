import Storage

/// Where and how a table sink writes.
public struct ParquetTableSinkConfiguration: Sendable {
    /// The table's directory, e.g. `<data>/tables/transactions`.
    public var directory: String
    public var schema: ParquetSchema
    /// The INT64 timestamp column (µs, UTC) whose value picks the Hive partition
    /// `date=YYYY-MM-DD/hour=HH`; nil writes the table unpartitioned.
    public var partitionColumn: Int?
    /// A part rolls when its size reaches this. Default: 128 MiB.
    public var rollBytes: Int64 = 128 * 1024 * 1024
    /// … or when it has been open this long. Default: 60 s.
    public var rollAge: Duration = .seconds(60)
    /// A rolling part whose batches left row groups below this many rows (and below `rowGroupBytes`)
    /// is rewritten into row groups of this size before its commit; the last may be smaller.
    /// Default: 131,072 (128k).
    public var rowGroupRows = 128 * 1024
    /// … or this many bytes, whichever comes first: a row group is small below this uncompressed size,
    /// and the rewrite closes a row group when the writer holds this many encoded bytes. Default: 64 MiB.
    public var rowGroupBytes: Int64 = 64 << 20
    /// Records of the sink's own (`_souk_writer/`, batches that rolled nothing) kept. Default: 100.
    public var retainedManifests = 100
    public var writer = ParquetWriterConfiguration()

    public init(directory: String, schema: ParquetSchema, partitionColumn: Int?) {
        self.directory = directory
        self.schema = schema
        self.partitionColumn = partitionColumn
    }
}

/// What one commit of a table sink made visible.
public struct SinkCommit: Sendable, Equatable {
    /// Paths, relative to the table, of the parts renamed to `.parquet` by this commit.
    public var files: [String] = []
    /// Rows appended by the batch.
    public var rows: Int64 = 0
    /// Parts still open after the commit.
    public var openParts = 0
}

/// Why a table sink failed.
public enum SinkError: Error, Sendable, CustomStringConvertible {
    case io(String)
    case corruptManifest(String)
    case delta(DeltaError)
    case parquet(ParquetError)

    public var description: String {
        switch self {
        case .io(let message): "I/O: \(message)"
        case .corruptManifest(let message): "manifest: \(message)"
        case .delta(let error): "\(error)"
        case .parquet(let error): "parquet: \(error)"
        }
    }
}
