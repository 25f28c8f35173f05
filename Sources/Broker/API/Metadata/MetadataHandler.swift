import Kafka

extension RequestRouter {
    func metadata(_ request: MetadataRequest, version: Int16) async -> MetadataResponse {
        var response = MetadataResponse()
        response.brokers = [
            MetadataResponse.MetadataResponseBroker(
                nodeId: configuration.nodeId, host: advertisedHost, port: advertisedPort, rack: nil)
        ]
        response.clusterId = "souk"
        // This broker is the controller: librdkafka sends admin requests there.
        response.controllerId = configuration.nodeId
        // Souk has no authoriser: every client may do everything Kafka lets a cluster and a topic be
        // asked for, as Kafka answers without one (AclOperation codes as bits).
        if version >= 8, request.includeClusterAuthorizedOperations {
            response.clusterAuthorizedOperations = Self.clusterOperations
        }
        let topics: [TopicRegistry.Topic?]
        var names: [String] = []
        if let requested = request.topics {
            names = requested.map(\.name)
            // Before v4 there is no flag and Kafka creates topics when auto-creation is on.
            let allow = version < 4 || request.allowAutoTopicCreation
            var found: [TopicRegistry.Topic?] = []
            for name in names { found.append(await registry.topicCreatingIfAllowed(name, allowAutoCreate: allow)) }
            topics = found
        } else {
            let all = await registry.all
            names = all.map(\.name)
            topics = all
        }
        for (name, topic) in zip(names, topics) {
            var entry = MetadataResponse.MetadataResponseTopic(name: name)
            if version >= 8, request.includeTopicAuthorizedOperations, topic != nil {
                entry.topicAuthorizedOperations = Self.topicOperations
            }
            if let topic {
                entry.partitions = topic.partitions.indices.map { index in
                    MetadataResponse.MetadataResponsePartition(
                        partitionIndex: Int32(index), leaderId: configuration.nodeId, leaderEpoch: 0,
                        replicaNodes: [configuration.nodeId], isrNodes: [configuration.nodeId])
                }
            } else {
                entry.errorCode =
                    (TopicRegistry.nameProblem(name) == nil
                    ? ErrorCode.unknownTopicOrPartition
                    : .invalidTopicException).rawValue
            }
            response.topics.append(entry)
        }
        return response
    }

    /// CREATE (5), ALTER (7), DESCRIBE (8), CLUSTER_ACTION (9), DESCRIBE_CONFIGS (10), ALTER_CONFIGS (11),
    /// IDEMPOTENT_WRITE (12).
    static let clusterOperations: Int32 = [5, 7, 8, 9, 10, 11, 12].reduce(0) { $0 | (1 << $1) }
    /// READ (3), WRITE (4), CREATE (5), DELETE (6), ALTER (7), DESCRIBE (8), DESCRIBE_CONFIGS (10),
    /// ALTER_CONFIGS (11).
    static let topicOperations: Int32 = [3, 4, 5, 6, 7, 8, 10, 11].reduce(0) { $0 | (1 << $1) }
}
