import CoreMetrics

/// The partition log's swift-metrics instruments, each with a `partition` dimension (the log directory's name).
struct LogMetrics: Sendable {
    /// Bytes of batches appended.
    let appendedBytes: Counter
    /// Batches appended.
    let appendedBatches: Counter
    /// Time each fsync of a segment took.
    let syncDuration: CoreMetrics.Timer
    /// Bytes recovery cut from torn or corrupt tails (whole later segments included).
    let recoveryDroppedBytes: Counter
    /// Bytes retention deleted.
    let retentionDeletedBytes: Counter
    /// Bytes the cleaner removed from compacted segments.
    let cleanerReclaimedBytes: Counter

    init(partition: String, factory: any MetricsFactory) {
        let dimensions = [("partition", partition)]
        appendedBytes = Counter(label: "souk_log_appended_bytes_total", dimensions: dimensions, factory: factory)
        appendedBatches = Counter(label: "souk_log_appended_batches_total", dimensions: dimensions, factory: factory)
        syncDuration = CoreMetrics.Timer(label: "souk_log_fsync_duration", dimensions: dimensions, factory: factory)
        recoveryDroppedBytes = Counter(
            label: "souk_log_recovery_dropped_bytes_total", dimensions: dimensions, factory: factory)
        retentionDeletedBytes = Counter(
            label: "souk_log_retention_deleted_bytes_total", dimensions: dimensions, factory: factory)
        cleanerReclaimedBytes = Counter(
            label: "souk_log_cleaner_reclaimed_bytes_total", dimensions: dimensions, factory: factory)
    }
}
