/// Where a stream's records come from. The master asks what is available, plans an offset range per
/// partition and reads exactly that range, so a replayed batch reads the same records.
public protocol StreamSource: Actor {
    /// A short description for progress reports (`kafka[topic]`, `file[path]`).
    nonisolated var description: String { get }

    /// Positions the source: each partition starts at `resume` when given (the checkpoint), else where
    /// the source starts by default. Returns the start offset of every partition.
    func start(resume: [SourcePartition: Int64]) async throws(StreamError) -> [SourcePartition: Int64]

    /// Per partition read now: from where the source would start it (used for a partition the
    /// master has no position for yet) to the end (exclusive) of what it can deliver without waiting.
    func available() async throws(StreamError) -> [SourcePartition: Range<Int64>]

    /// The end offsets at this moment at the origin (for `--once`: everything available now).
    func latest() async throws(StreamError) -> [SourcePartition: Int64]

    /// The records of exactly these ranges, waiting for them when they are not fetched yet.
    func read(_ ranges: [SourcePartition: Range<Int64>]) async throws(StreamError) -> [SourceChunk]

    /// Offsets processed and durable (a group source commits them to the group).
    func committed(_ ends: [SourcePartition: Int64]) async

    /// Background work (prefetching, group membership) until cancelled.
    func run() async throws(StreamError)

    /// Stops fetching and closes connections.
    func close() async
}
