import Foundation

/// A topic's settable configuration, by Kafka name, with the broker defaults behind it.
package struct TopicConfigs: Sendable, Equatable, Codable {
    /// Values set on this topic (CreateTopics or AlterConfigs), by Kafka config name.
    package var overrides: [String: String] = [:]

    package init(overrides: [String: String] = [:]) {
        self.overrides = overrides
    }

    /// Config names Souk understands, for DescribeConfigs and validation: Kafka's topic configs, except
    /// the timestamp bounds of KIP-937 and those of tiered storage.
    package static let names = applied + withoutEffect

    /// Configs that change what the topic's logs do.
    static let applied = [
        "cleanup.policy", "compression.type", "delete.retention.ms", "flush.messages", "flush.ms",
        "index.interval.bytes", "max.compaction.lag.ms", "max.message.bytes", "message.timestamp.type",
        "min.cleanable.dirty.ratio", "min.compaction.lag.ms", "min.insync.replicas", "retention.bytes",
        "retention.ms", "segment.bytes", "segment.ms",
    ]

    /// Configs Kafka accepts that change nothing on a single broker that serves message format v2 only and
    /// keeps no tiered storage: replication (there are no followers), segment files (deleted at once,
    /// never preallocated, indexes sized to fit), down-conversion (never needed) and the message format
    /// version (ignored by Kafka 3.0 and later too). Accepted, validated and described, so tools that set
    /// them work.
    static let withoutEffect = [
        "file.delete.delay.ms", "follower.replication.throttled.replicas", "leader.replication.throttled.replicas",
        "message.downconversion.enable", "message.format.version", "preallocate", "segment.index.bytes",
        "segment.jitter.ms", "unclean.leader.election.enable",
    ]

    /// Kafka's `Long.MAX_VALUE` default ("never") of `flush.messages`, `flush.ms` and `max.compaction.lag.ms`.
    static let never = String(Int64.max)

    /// The policies `cleanup.policy` lists (comma-separated, as Kafka writes it).
    static func policies(_ value: String) -> [Substring] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces)[...] }
    }

    /// The broker-wide value of `name` when the topic sets none.
    package static func defaultValue(_ name: String, log: LogConfiguration) -> String? {
        switch name {
        case "cleanup.policy": "delete"
        case "compression.type": "producer"
        case "delete.retention.ms": String(log.deleteRetentionMilliseconds)
        case "file.delete.delay.ms": "60000"
        case "flush.messages": log.fsyncPolicy == .always ? "1" : never
        case "flush.ms":
            if case .interval(let milliseconds) = log.fsyncPolicy { String(milliseconds) } else { "0" }
        case "follower.replication.throttled.replicas", "leader.replication.throttled.replicas": ""
        case "index.interval.bytes": String(log.indexIntervalBytes)
        case "max.compaction.lag.ms": String(log.maxCompactionLagMilliseconds)
        case "message.downconversion.enable", "preallocate", "unclean.leader.election.enable": "false"
        case "message.format.version": "3.0-IV1"
        case "min.insync.replicas": "1"
        case "segment.index.bytes": "10485760"
        case "segment.jitter.ms": "0"
        case "min.cleanable.dirty.ratio": String(log.minCleanableDirtyRatio)
        case "min.compaction.lag.ms": String(log.minCompactionLagMilliseconds)
        case "max.message.bytes": String(log.maxBatchBytes)
        case "message.timestamp.type": "CreateTime"
        case "retention.bytes": String(log.retentionBytes ?? -1)
        case "retention.ms": String(log.retentionMilliseconds ?? -1)
        case "segment.bytes": String(log.segmentBytes)
        case "segment.ms": String(log.segmentMilliseconds)
        default: nil
        }
    }

    /// Checks a value for `name`; returns why it is refused, or nil.
    package static func problem(name: String, value: String?) -> String? {
        guard names.contains(name) else { return "unknown or unsupported config '\(name)'" }
        guard let value else { return nil }
        switch name {
        case "cleanup.policy":
            let policies = Self.policies(value)
            return !policies.isEmpty && policies.allSatisfy({ $0 == "delete" || $0 == "compact" })
                ? nil : "cleanup.policy must be delete, compact or compact,delete"
        case "min.cleanable.dirty.ratio":
            guard let ratio = Double(value), (0...1).contains(ratio) else {
                return "min.cleanable.dirty.ratio must be a number from 0 to 1"
            }
            return nil
        case "delete.retention.ms", "min.compaction.lag.ms":
            guard let number = Int64(value), number >= 0 else { return "\(name) must be an integer ≥ 0" }
            return nil
        case "compression.type":
            // Kafka recompresses batches to the topic's codec; Souk keeps the producer's bytes.
            return value == "producer" ? nil : "only compression.type=producer is supported"
        case "message.timestamp.type":
            return value == "CreateTime" ? nil : "only message.timestamp.type=CreateTime is supported"
        case "message.downconversion.enable", "preallocate", "unclean.leader.election.enable":
            return ["true", "false"].contains(value.lowercased()) ? nil : "\(name) must be true or false"
        case "follower.replication.throttled.replicas", "leader.replication.throttled.replicas",
            "message.format.version":
            return nil
        case "flush.messages", "max.compaction.lag.ms", "min.insync.replicas", "index.interval.bytes":
            guard let number = Int64(value), number >= 1 else { return "\(name) must be an integer ≥ 1" }
            guard name != "index.interval.bytes" || number <= Int32.max else {
                return "index.interval.bytes must be at most \(Int32.max)"
            }
            return nil
        case "segment.index.bytes":
            guard let number = Int32(value), number >= 4 else { return "segment.index.bytes must be an integer ≥ 4" }
            return nil
        case "flush.ms", "file.delete.delay.ms", "segment.jitter.ms":
            guard let number = Int64(value), number >= 0 else { return "\(name) must be an integer ≥ 0" }
            return nil
        case "max.message.bytes", "segment.bytes":
            guard let number = Int(value), number >= 61, number <= Int(Int32.max) else {
                return "\(name) must be an integer from 61 to \(Int32.max)"
            }
            return nil
        default:
            guard let number = Int64(value), number >= -1 else { return "\(name) must be an integer ≥ -1" }
            return nil
        }
    }

    /// The replicas an acks=all produce needs in sync (`min.insync.replicas`): more than one fails with
    /// NOT_ENOUGH_REPLICAS on a single broker, as it does on a Kafka cluster short of replicas.
    package var minInsyncReplicas: Int { overrides["min.insync.replicas"].flatMap(Int.init) ?? 1 }

    /// The log configuration of a partition of this topic.
    package func logConfiguration(base: LogConfiguration) -> LogConfiguration {
        var log = base
        if let value = overrides["retention.ms"].flatMap(Int64.init) {
            log.retentionMilliseconds = value < 0 ? nil : value
        }
        if let value = overrides["retention.bytes"].flatMap(Int.init) { log.retentionBytes = value < 0 ? nil : value }
        if let value = overrides["segment.bytes"].flatMap(Int.init) { log.segmentBytes = value }
        if let value = overrides["segment.ms"].flatMap(Int64.init), value > 0 { log.segmentMilliseconds = value }
        if let value = overrides["max.message.bytes"].flatMap(Int.init) { log.maxBatchBytes = value }
        if let value = overrides["cleanup.policy"] {
            let policies = Self.policies(value)
            log.deletesOldSegments = policies.contains("delete")
            log.compacts = policies.contains("compact")
        }
        if let value = overrides["delete.retention.ms"].flatMap(Int64.init) { log.deleteRetentionMilliseconds = value }
        if let value = overrides["min.compaction.lag.ms"].flatMap(Int64.init) {
            log.minCompactionLagMilliseconds = value
        }
        if let value = overrides["min.cleanable.dirty.ratio"].flatMap(Double.init) {
            log.minCleanableDirtyRatio = value
        }
        if let value = overrides["max.compaction.lag.ms"].flatMap(Int64.init) {
            log.maxCompactionLagMilliseconds = value
        }
        // Kafka rolls a compacted topic's active segment by max.compaction.lag.ms too (LogConfig.maxSegmentMs).
        if log.compacts { log.segmentMilliseconds = min(log.segmentMilliseconds, log.maxCompactionLagMilliseconds) }
        if let value = overrides["index.interval.bytes"].flatMap(Int.init) { log.indexIntervalBytes = value }
        // Kafka fsyncs after every flush.messages records or flush.ms; Souk makes a topic with either at
        // its most eager (1 record, 0 ms) durable before it acknowledges, like --fsync always, and a shorter
        // flush.ms than the broker's interval flushes at that interval. Never weaker than the broker.
        if overrides["flush.messages"] == "1" || overrides["flush.ms"] == "0" {
            log.fsyncPolicy = .always
        } else if case .interval(let broker) = log.fsyncPolicy,
            let value = overrides["flush.ms"].flatMap(Int64.init), value > 0, value < broker
        {
            log.fsyncPolicy = .interval(milliseconds: value)
        }
        return log
    }
}
