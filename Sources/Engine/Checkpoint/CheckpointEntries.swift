/// `offsets/N`: what batch N reads and the watermark it applies, written before the batch's side
/// effects so a replay after a crash reads the same records with the same watermark.
public struct OffsetEntry: Codable, Sendable, Equatable {
    public var batchId: Int64
    /// Wall-clock time the batch was planned, milliseconds since the epoch.
    public var timestampMs: Int64
    /// The watermark batch N applies (µs since the epoch; `Int64.min` before any event).
    public var watermarkMicros: Int64
    /// Per source, per partition: `[start, end)` offsets.
    public var sources: [String: [String: [Int64]]]

    public init(batchId: Int64, timestampMs: Int64, watermarkMicros: Int64, ranges: [SourcePartition: Range<Int64>]) {
        self.batchId = batchId
        self.timestampMs = timestampMs
        self.watermarkMicros = watermarkMicros
        var sources: [String: [String: [Int64]]] = [:]
        for (partition, range) in ranges {
            sources[partition.topic, default: [:]][String(partition.partition)] = [range.lowerBound, range.upperBound]
        }
        self.sources = sources
    }

    /// The planned ranges; nil when the entry is malformed.
    public var ranges: [SourcePartition: Range<Int64>]? {
        var ranges: [SourcePartition: Range<Int64>] = [:]
        for (topic, partitions) in sources {
            for (key, bounds) in partitions {
                guard let partition = Int32(key), bounds.count == 2, bounds[0] <= bounds[1] else { return nil }
                ranges[SourcePartition(topic: topic, partition: partition)] = bounds[0]..<bounds[1]
            }
        }
        return ranges
    }
}

/// `commits/N`: batch N's sinks and state are durable; the next batch applies `nextWatermarkMicros`.
public struct CommitEntry: Codable, Sendable, Equatable {
    public var batchId: Int64
    public var nextWatermarkMicros: Int64

    public init(batchId: Int64, nextWatermarkMicros: Int64) {
        self.batchId = batchId
        self.nextWatermarkMicros = nextWatermarkMicros
    }
}
