import Kafka

extension RequestRouter {
    func createTopics(_ request: CreateTopicsRequest) async -> CreateTopicsResponse {
        var response = CreateTopicsResponse()
        for topic in request.topics {
            var result = CreateTopicsResponse.CreatableTopicResult(name: topic.name)
            var partitions = topic.numPartitions == -1 ? configuration.defaultPartitions : Int(topic.numPartitions)
            if !topic.assignments.isEmpty {
                if let problem = assignmentProblem(topic) {
                    result.errorCode = problem.code.rawValue
                    result.errorMessage = problem.message
                    response.topics.append(result)
                    continue
                }
                partitions = topic.assignments.count
            }
            if topic.assignments.isEmpty && topic.replicationFactor != -1 && topic.replicationFactor != 1 {
                result.errorCode = ErrorCode.invalidReplicationFactor.rawValue
                result.errorMessage = "Souk is a single broker: the replication factor must be 1"
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

    /// A replica assignment is accepted as Kafka accepts one, when it can be met by this one broker:
    /// the partition count and replication factor left to it (-1), partitions 0 to n-1 each listed
    /// once, and each placed on this broker alone.
    private func assignmentProblem(_ topic: CreateTopicsRequest.CreatableTopic) -> (code: ErrorCode, message: String)? {
        if topic.numPartitions != -1 || topic.replicationFactor != -1 {
            return (
                .invalidRequest,
                "with a replica assignment, the number of partitions and the replication factor must be -1"
            )
        }
        let indices = topic.assignments.map(\.partitionIndex).sorted()
        guard indices == (0..<Int32(indices.count)).map({ $0 }) else {
            return (
                .invalidReplicaAssignment, "the assignment must list partitions 0 to \(indices.count - 1) once each"
            )
        }
        for assignment in topic.assignments where assignment.brokerIds != [configuration.nodeId] {
            return (
                .invalidReplicaAssignment,
                "Souk is a single broker (id \(configuration.nodeId)): partition \(assignment.partitionIndex) must be "
                    + "placed on it alone, not on \(assignment.brokerIds)"
            )
        }
        return nil
    }
}
