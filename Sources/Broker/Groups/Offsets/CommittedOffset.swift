/// What a group committed for one partition: the next offset to consume, with the client's metadata.
package struct CommittedOffset: Sendable, Equatable {
    package var offset: Int64
    /// The leader epoch the client saw (-1 when it did not say).
    package var leaderEpoch: Int32
    /// The client's metadata string ("" when it sent null, as Kafka stores it).
    package var metadata: String
    /// When the commit was accepted, in milliseconds since the Unix epoch.
    package var commitTimestampMs: Int64

    package init(offset: Int64, leaderEpoch: Int32, metadata: String, commitTimestampMs: Int64) {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestampMs = commitTimestampMs
    }
}

/// The partition of a group an offset is committed for.
package struct OffsetKey: Sendable, Hashable {
    package var groupId: String
    package var topic: String
    package var partition: Int32

    package init(groupId: String, topic: String, partition: Int32) {
        self.groupId = groupId
        self.topic = topic
        self.partition = partition
    }
}
