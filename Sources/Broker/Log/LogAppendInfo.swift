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
}
