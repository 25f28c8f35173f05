/// Plans the offset range each partition reads in the next batch: from where the previous batch
/// ended to what the source has available, capped per partition, and (for `--once`) never past the
/// target fixed when the run started.
public struct MicroBatchPlanner: Sendable {
    /// Most records one batch reads from one partition.
    public var maxRecordsPerPartition: Int64

    public init(maxRecordsPerPartition: Int64) {
        self.maxRecordsPerPartition = max(1, maxRecordsPerPartition)
    }

    /// The ranges of the next batch. `next` holds where each known partition continues; a partition
    /// the source offers that `next` lacks starts at the source's proposed start. Partitions the
    /// source no longer offers (revoked from a group) are left out.
    public func plan(
        next: [SourcePartition: Int64], available: [SourcePartition: Range<Int64>],
        target: [SourcePartition: Int64]? = nil
    ) -> [SourcePartition: Range<Int64>] {
        var ranges: [SourcePartition: Range<Int64>] = [:]
        for (partition, offered) in available {
            let start = next[partition] ?? offered.lowerBound
            var end = max(start, min(offered.upperBound, start + maxRecordsPerPartition))
            if let target {
                end = min(end, max(start, target[partition] ?? start))
            }
            ranges[partition] = start..<end
        }
        return ranges
    }

    /// Whether every partition of `target` has been read up to it.
    public static func reached(_ target: [SourcePartition: Int64], next: [SourcePartition: Int64]) -> Bool {
        target.allSatisfy { partition, end in (next[partition] ?? Int64.min) >= end }
    }
}
