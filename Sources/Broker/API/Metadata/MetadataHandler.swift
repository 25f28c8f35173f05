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
}
