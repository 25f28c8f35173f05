/// Sends requests and decodes their responses (a broker connection, or a test's in-process fake).
package protocol KafkaRequestSending: Sendable {
    func send<R: KafkaRequest>(_ request: R, timeout: Duration?) async throws(KafkaClientError) -> R.Response
}

extension KafkaConnection: KafkaRequestSending {}

/// What a `GroupMember` needs from the cluster: the group's coordinator and topics' partition counts.
package protocol GroupTransport: Sendable {
    /// A channel to the coordinator of `groupId`.
    func coordinator(for groupId: String) async throws(KafkaClientError) -> any KafkaRequestSending
    /// Partition counts of `topics` (for the leader's assignment).
    func partitionCounts(for topics: [String]) async throws(KafkaClientError) -> [String: Int]
}

/// The group transport of a real cluster.
package struct ClusterGroupTransport: GroupTransport {
    package let cluster: KafkaClusterClient

    package init(cluster: KafkaClusterClient) {
        self.cluster = cluster
    }

    package func coordinator(for groupId: String) async throws(KafkaClientError) -> any KafkaRequestSending {
        try await cluster.coordinator(for: groupId)
    }

    package func partitionCounts(for topics: [String]) async throws(KafkaClientError) -> [String: Int] {
        var counts: [String: Int] = [:]
        for topic in topics { counts[topic] = try await cluster.topic(topic).partitionCount }
        return counts
    }
}
