import Kafka

extension RequestRouter {
    func createTopics(_ request: CreateTopicsRequest) async -> CreateTopicsResponse {
        var response = CreateTopicsResponse()
        for topic in request.topics {
            var result = CreateTopicsResponse.CreatableTopicResult(name: topic.name)
            let partitions = topic.numPartitions == -1 ? configuration.defaultPartitions : Int(topic.numPartitions)
            if topic.replicationFactor != -1 && topic.replicationFactor != 1 {
                result.errorCode = ErrorCode.invalidReplicationFactor.rawValue
                result.errorMessage = "Souk is a single broker: the replication factor must be 1"
            } else if !topic.assignments.isEmpty {
                result.errorCode = ErrorCode.invalidReplicaAssignment.rawValue
                result.errorMessage = "manual replica assignment is not supported"
            } else {
                var configs: [String: String] = [:]
                for config in topic.configs { configs[config.name] = config.value }
                let (code, message) = await registry.create(
                    topic.name, partitions: partitions, configs: configs, validateOnly: request.validateOnly)
                result.errorCode = code.rawValue
                result.errorMessage = message
            }
            response.topics.append(result)
        }
        return response
    }
}
