/// When the partition log makes appended bytes durable.
package enum FsyncPolicy: Sendable, Equatable {
    /// fsync the segment before `append` returns (what acks=all needs to survive a power loss).
    case always
    /// `append` returns after the write; a timer on the log's event loop flushes every `milliseconds`.
    /// A crash (not a clean close) can lose up to that much; recovery truncates what was torn.
    case interval(milliseconds: Int64)
}
