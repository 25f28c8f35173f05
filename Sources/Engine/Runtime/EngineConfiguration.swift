import CoreMetrics
import Storage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the engine runs a job; every field has a documented default.
public struct EngineConfiguration: Sendable {
    /// Root of checkpoints, tables and dead letters. Default: `./souk-data`.
    public var dataDirectory = "./souk-data"
    /// Time between the starts of two micro-batches; zero runs them as fast as possible. Default: 1 s.
    public var trigger: Duration = .seconds(1)
    /// Process what is available, close what the final watermark allows, roll every part, stop.
    public var once = false
    /// Most records one batch reads from one partition. Default: 500,000.
    public var maxRecordsPerPartition: Int64 = 500_000
    /// Worker actors. Default: one per core.
    public var workers = EngineConfiguration.coreCount
    /// Fixed number of key groups the keyed state is split into (Flink's max parallelism). Default: 128.
    public var keyGroups = 128
    /// Lines one worker maps at a time (a partition's records are split into pieces this size).
    public var mapPieceLines = 65_536
    /// Computed batches that may wait for their commit while later ones are computed (and shown in
    /// the live view), as long as together they hold fewer than `maxUncommittedRows` rows: a slow
    /// disk delays durability, not what the live view shows, and memory stays bounded.
    public var maxUncommittedBatches = 16
    public var maxUncommittedRows = 1_000_000
    /// Watermark = max event time − this. Default: 10 s.
    public var allowedLateness: Duration = .seconds(10)
    /// A partition without data for this long stops holding the watermark back. Default: 30 s.
    public var idleTimeout: Duration = .seconds(30)
    /// A part of a table is rolled (footer written, made visible) when it reaches this size. Default: 128 MiB.
    public var rollBytes: Int64 = 128 * 1024 * 1024
    /// … or when it has been open this long. Default: 60 s.
    public var rollAge: Duration = .seconds(60)
    /// Row groups of a rolled part hold this many rows, or about `rowGroupBytes` (encoded, as the
    /// writer buffers them), whichever comes first (the last may be smaller): a part whose batches left
    /// smaller row groups is rewritten when it rolls. Default: 131,072 (128k).
    public var rowGroupRows = 128 * 1024
    /// Default: 64 MiB.
    public var rowGroupBytes: Int64 = 64 << 20
    /// Merge the parts of each table hour that ended this long before the watermark (a compaction pass
    /// at most once a minute, between commits); nil: never. Replaced parts are deleted an hour later.
    public var compactAfter: Duration?
    /// Compression of the tables' Parquet pages. Default: snappy.
    public var compression: ParquetWriterConfiguration.Compression = .snappy
    /// Batches whose checkpoint entries are kept. Default: 100.
    public var retainedBatches: Int64 = 100
    /// Progress reports kept for the dashboard. Default: 100.
    public var progressReports = 100
    /// Closed windows the live view keeps, newest last. Default: 10,000 (an hour of 1-minute windows
    /// for about 160 keys).
    public var liveResults = 10_000
    /// On a graceful shutdown, read what the source holds at that moment before the last batch, as
    /// `once` does, instead of stopping after the current batch. Default: false (`souk demo` sets it,
    /// so that its closing report covers every transaction its generator sent).
    public var drainOnShutdown = false
    #if DEBUG
        /// Failure injection for crash tests (nil in normal runs). Debug builds only: a release
        /// binary has no crash points.
        public var crashPoint: CrashPoint?
        /// Called with a batch's id before its commit starts, for tests that hold commits back the way
        /// a slow disk would (nil in normal runs). Debug builds only.
        public var beforeCommit: (@Sendable (Int64) async -> Void)?
    #else
        /// Failure injection exists in debug builds only.
        public var crashPoint: CrashPoint? { nil }
    #endif
    /// Where the engine's metrics go; nil: the process-wide `MetricsSystem` backend.
    public var metricsFactory: (any MetricsFactory)?

    public init() {}

    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    func validate() throws(StreamError) {
        guard trigger >= .zero else { throw .configuration("the trigger must not be negative") }
        guard trigger == .zero || trigger >= .milliseconds(10) else {
            throw .configuration("the trigger must be at least 10 ms (or 0 for as fast as possible)")
        }
        guard workers >= 1, workers <= 256 else { throw .configuration("workers must be between 1 and 256") }
        guard maxRecordsPerPartition >= 1 else { throw .configuration("max records per partition must be positive") }
        guard allowedLateness >= .zero else { throw .configuration("the watermark delay must not be negative") }
        guard rollBytes >= 1024 else { throw .configuration("the roll size must be at least 1 KiB") }
        guard rowGroupRows >= 1 else { throw .configuration("row groups must hold at least one row") }
        guard rowGroupBytes >= 1024 else { throw .configuration("the row group size must be at least 1 KiB") }
    }
}
