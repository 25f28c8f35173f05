/// What one `PartitionLog.append` stored.
package struct LogAppendInfo: Sendable, Equatable {
    /// The offset assigned to the first record of the first batch.
    package var baseOffset: Int64
    /// The offset of the last record of the last batch.
    package var lastOffset: Int64
    /// Batches stored.
    package var batchCount: Int
    /// Bytes stored.
    package var byteCount: Int
    /// The log start offset after the append (Produce responses carry it; returning it here saves the
    /// caller a second trip to the log's event loop). Not part of equality.
    package var logStartOffset: Int64 = 0

    package init(baseOffset: Int64, lastOffset: Int64, batchCount: Int, byteCount: Int, logStartOffset: Int64 = 0) {
        self.baseOffset = baseOffset
        self.lastOffset = lastOffset
        self.batchCount = batchCount
        self.byteCount = byteCount
        self.logStartOffset = logStartOffset
    }

    package static func == (lhs: LogAppendInfo, rhs: LogAppendInfo) -> Bool {
        lhs.baseOffset == rhs.baseOffset && lhs.lastOffset == rhs.lastOffset && lhs.batchCount == rhs.batchCount
            && lhs.byteCount == rhs.byteCount
    }
}
