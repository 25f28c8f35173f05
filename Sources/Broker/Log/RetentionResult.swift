/// What one `PartitionLog.enforceRetention(now:)` removed.
package struct RetentionResult: Sendable, Equatable {
    /// Base offsets of the segments deleted, oldest first.
    package var deletedSegments: [Int64]
    /// Bytes of batches deleted.
    package var deletedBytes: Int
    /// The log start offset afterwards.
    package var logStartOffset: Int64
}
