import Foundation

/// A topic's settable configuration, by Kafka name, with the broker defaults behind it.
package struct TopicConfigs: Sendable, Equatable, Codable {
    /// Values set on this topic (CreateTopics or AlterConfigs), by Kafka config name.
    package var overrides: [String: String] = [:]

    package init(overrides: [String: String] = [:]) {
        self.overrides = overrides
    }

    /// Config names Souk understands, for DescribeConfigs and validation.
    package static let names = [
        "cleanup.policy", "compression.type", "delete.retention.ms", "max.message.bytes", "message.timestamp.type",
        "min.cleanable.dirty.ratio", "min.compaction.lag.ms", "retention.bytes", "retention.ms", "segment.bytes",
        "segment.ms",
    ]

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
            return ["producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"].contains(value)
                ? nil : "invalid compression.type '\(value)'"
        case "message.timestamp.type":
            return value == "CreateTime" ? nil : "only message.timestamp.type=CreateTime is supported"
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
        return log
    }
}
