/// Errors of the partition log. The broker maps them to Kafka error codes in one place:
/// `invalidBatch` → CORRUPT_MESSAGE (2) or MESSAGE_TOO_LARGE (10), `offsetOutOfRange` → OFFSET_OUT_OF_RANGE (1),
/// `corruptData`, `io`, `noSpace`, `stopped` and `closed` → KAFKA_STORAGE_ERROR (56).
package enum LogError: Error, Sendable, Equatable {
    /// The `index`-th batch (from 0) of an append is not a valid RecordBatch v2; nothing was written.
    case invalidBatch(index: Int, defect: BatchDefect)
    /// The requested offset is outside `logStart...logEnd`.
    case offsetOutOfRange(requested: Int64, logStart: Int64, logEnd: Int64)
    /// Bytes on disk failed validation when read; they were not served.
    case corruptData(path: String, position: Int, defect: BatchDefect)
    /// A write, read or fsync failed. The log has stopped: every later call throws `stopped`.
    case io(IOFailure)
    /// The file system is full: the append was undone and nothing of it is visible. Unlike `io`, the log
    /// goes on: reads are served, and appends succeed again once space returns.
    case noSpace(IOFailure)
    /// The log stopped after an earlier I/O failure (fail-stop) and refuses every call.
    case stopped(after: IOFailure)
    /// The log was closed.
    case closed
    /// Another process (or another open in this one) holds the data directory's lock.
    case directoryLocked(path: String)
    /// A configuration value is out of its allowed range.
    case invalidConfiguration(String)
}
