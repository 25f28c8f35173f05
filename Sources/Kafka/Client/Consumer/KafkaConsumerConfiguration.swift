/// How a `KafkaConsumer` fetches, where it starts and which group it commits for.
package struct KafkaConsumerConfiguration: Sendable {
    /// What to do when the fetch position is outside the log (OFFSET_OUT_OF_RANGE).
    package enum OffsetReset: Sendable, Equatable {
        /// Jump to the first offset still in the log.
        case earliest
        /// Jump to the end of the log.
        case latest
        /// Throw `.offsetOutOfRange` from `poll`.
        case none
    }

    /// Brokers and timeouts.
    package var client = KafkaClientConfiguration()
    /// The group commits and group membership use; nil disables both. Default: nil.
    package var groupId: String?
    /// The reset policy, also used for `.committed` starts without a committed offset. Default: `.latest`.
    package var autoOffsetReset: OffsetReset = .latest
    /// Longest time the broker holds a fetch waiting for data. Default: 500 ms.
    package var fetchMaxWait: Duration = .milliseconds(500)
    /// Bytes the broker waits for before answering a fetch. Default: 1.
    package var fetchMinBytes: Int32 = 1
    /// Most bytes in one fetch response. Default: 50 MiB.
    package var fetchMaxBytes: Int32 = 50 * 1024 * 1024
    /// Most bytes per partition in one fetch response (one batch is returned whole even if larger).
    /// Default: 1 MiB.
    package var maxPartitionFetchBytes: Int32 = 1024 * 1024
    /// Most bytes one batch may decompress to. Default: 64 MiB.
    package var maxUncompressedBatchBytes = 64 * 1024 * 1024
    /// Wait after a retriable error before fetching again. Default: 100 ms.
    package var retryBackoff: Duration = .milliseconds(100)

    package init() {}

    package init(bootstrapServers: [String], groupId: String? = nil) {
        client.bootstrapServers = bootstrapServers
        self.groupId = groupId
    }
}

/// Where consumption of an assigned partition starts.
package enum StartOffset: Sendable, Hashable {
    /// The first offset in the log (ListOffsets -2).
    case earliest
    /// The end of the log (ListOffsets -1): only records produced from now on.
    case latest
    /// The group's committed offset, or the reset policy's choice when there is none.
    case committed
    /// This offset.
    case offset(Int64)
}
