/// Settings of one partition log; the defaults are Kafka's, except where noted.
package struct LogConfiguration: Sendable, Equatable {
    /// Roll to a new segment before an append would make the active one larger than this.
    /// Default: 1 GiB (Kafka `segment.bytes`). At most `Int32.max`: index entries hold 32-bit positions.
    package var segmentBytes = 1 << 30
    /// Roll when the active segment's first batch is older than this (Kafka `segment.ms`: measured from the
    /// first batch's maxTimestamp, or the append time when it has none). Default: 7 days.
    package var segmentMilliseconds: Int64 = 7 * 24 * 3_600_000
    /// Delete closed segments whose newest timestamp is older than this; nil keeps them. Default: 7 days.
    package var retentionMilliseconds: Int64? = 7 * 24 * 3_600_000
    /// Delete the oldest closed segments while the log is larger than this; nil: unlimited (the default).
    package var retentionBytes: Int? = nil
    /// Bytes of batches between two entries of the sparse offset and time indexes. Default: 4 KiB.
    package var indexIntervalBytes = 4096
    /// The largest batch an append accepts. Default: 1 MiB + 12 (Kafka `message.max.bytes`).
    package var maxBatchBytes = 1_048_588
    /// When appends are made durable. Default: a flush every second.
    package var fsyncPolicy = FsyncPolicy.interval(milliseconds: 1000)
    /// Check each batch's CRC-32C before serving it, so bytes that rotted on disk are never sent. Default: true.
    package var verifyChecksumsOnRead = true
    /// Retention deletes old segments (`cleanup.policy` holds `delete`). Default: true.
    package var deletesOldSegments = true
    /// The cleaner keeps only the newest record of each key in closed segments (`cleanup.policy` holds
    /// `compact`). Default: false.
    package var compacts = false
    /// How long the cleaner keeps a tombstone (a record with a null value) after its batch's newest
    /// timestamp (Kafka `delete.retention.ms`). Default: 1 day.
    package var deleteRetentionMilliseconds: Int64 = 86_400_000
    /// A record stays uncompacted until its segment's newest timestamp is this old (Kafka
    /// `min.compaction.lag.ms`). Default: 0.
    package var minCompactionLagMilliseconds: Int64 = 0
    /// The cleaner runs when at least this share of the closed segments' bytes was written since it last
    /// ran (Kafka `min.cleanable.dirty.ratio`). Default: 0.5.
    package var minCleanableDirtyRatio = 0.5
    /// A closed segment holding records not compacted for this long is compacted whatever the dirty ratio,
    /// and a compacted log's active segment rolls by then (Kafka `max.compaction.lag.ms`). Default: never.
    package var maxCompactionLagMilliseconds = Int64.max

    package init() {}

    /// Throws when a value is out of its allowed range.
    package func validate() throws(LogError) {
        guard segmentBytes >= BatchHeader.size, segmentBytes <= Int(Int32.max) else {
            throw .invalidConfiguration("segmentBytes \(segmentBytes) outside 61...\(Int32.max)")
        }
        guard segmentMilliseconds > 0 else { throw .invalidConfiguration("segmentMilliseconds must be positive") }
        guard indexIntervalBytes > 0 else { throw .invalidConfiguration("indexIntervalBytes must be positive") }
        guard maxBatchBytes >= BatchHeader.size, maxBatchBytes <= Int(Int32.max) else {
            throw .invalidConfiguration("maxBatchBytes \(maxBatchBytes) outside 61...\(Int32.max)")
        }
        if case .interval(let milliseconds) = fsyncPolicy, milliseconds <= 0 {
            throw .invalidConfiguration("fsync interval must be positive")
        }
        if let retentionBytes, retentionBytes < 0 { throw .invalidConfiguration("retentionBytes is negative") }
        guard deleteRetentionMilliseconds >= 0, minCompactionLagMilliseconds >= 0, maxCompactionLagMilliseconds > 0,
            (0...1).contains(minCleanableDirtyRatio)
        else { throw .invalidConfiguration("compaction settings out of range") }
        if let retentionMilliseconds, retentionMilliseconds < 0 {
            throw .invalidConfiguration("retentionMilliseconds is negative")
        }
    }
}
