/// What the client knows about the cluster: brokers by node id and topics' partitions and leaders.
package struct ClusterMetadata: Sendable, Equatable {
    /// Broker addresses by node id.
    package var brokers: [Int32: BrokerAddress] = [:]
    /// Topics by name.
    package var topics: [String: TopicMetadata] = [:]

    package init(brokers: [Int32: BrokerAddress] = [:], topics: [String: TopicMetadata] = [:]) {
        self.brokers = brokers
        self.topics = topics
    }

    /// Merges a Metadata response (brokers replace the old set; topics it names replace theirs).
    package mutating func merge(_ response: MetadataResponse) {
        var brokers: [Int32: BrokerAddress] = [:]
        for broker in response.brokers {
            brokers[broker.nodeId] = BrokerAddress(host: broker.host, port: Int(broker.port))
        }
        self.brokers = brokers
        for topic in response.topics {
            var partitions: [Int32: PartitionMetadata] = [:]
            for partition in topic.partitions {
                partitions[partition.partitionIndex] = PartitionMetadata(
                    leader: partition.leaderId, leaderEpoch: partition.leaderEpoch,
                    error: ErrorCode(rawValue: partition.errorCode))
            }
            topics[topic.name] = TopicMetadata(
                name: topic.name, error: ErrorCode(rawValue: topic.errorCode), partitions: partitions)
        }
    }
}

/// One topic's partitions.
package struct TopicMetadata: Sendable, Equatable {
    package var name: String
    /// The topic-level error (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE while being created…).
    package var error: ErrorCode
    /// Partitions by index.
    package var partitions: [Int32: PartitionMetadata]

    package init(name: String, error: ErrorCode = .none, partitions: [Int32: PartitionMetadata]) {
        self.name = name
        self.error = error
        self.partitions = partitions
    }

    /// How many partitions the topic has.
    package var partitionCount: Int { partitions.count }
}

/// One partition's leader.
package struct PartitionMetadata: Sendable, Equatable {
    /// The leader's node id, or -1 when there is none.
    package var leader: Int32
    package var leaderEpoch: Int32
    package var error: ErrorCode

    package init(leader: Int32, leaderEpoch: Int32 = -1, error: ErrorCode = .none) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.error = error
    }
}
