import Kafka

// The consumer-group APIs route to the group coordinator (`Broker/Groups/`), which owns the state
// machine and the offsets log; this file only adapts requests and checks topics for commits.
extension RequestRouter {
    func joinGroup(_ request: JoinGroupRequest, version: Int16, header: RequestHeader, peer: String) async
        -> JoinGroupResponse
    {
        await groups.joinGroup(
            request, version: version, client: GroupClientInfo(clientId: header.clientId ?? "", clientHost: peer))
    }

    /// Commits for partitions that do not exist get UNKNOWN_TOPIC_OR_PARTITION; the rest go to the coordinator.
    func offsetCommit(_ request: OffsetCommitRequest) async -> OffsetCommitResponse {
        var known = request
        known.topics = []
        var unknown: [OffsetCommitResponse.OffsetCommitResponseTopic] = []
        for topic in request.topics {
            let partitions = await registry.topic(topic.name)?.partitions.count ?? 0
            var valid = topic
            valid.partitions = topic.partitions.filter { $0.partitionIndex >= 0 && Int($0.partitionIndex) < partitions }
            let invalid = topic.partitions.filter { !($0.partitionIndex >= 0 && Int($0.partitionIndex) < partitions) }
            if !valid.partitions.isEmpty { known.topics.append(valid) }
            if !invalid.isEmpty {
                unknown.append(
                    .init(
                        name: topic.name,
                        partitions: invalid.map {
                            .init(
                                partitionIndex: $0.partitionIndex, errorCode: ErrorCode.unknownTopicOrPartition.rawValue
                            )
                        }))
            }
        }
        var response =
            known.topics.isEmpty && !request.topics.isEmpty
            ? OffsetCommitResponse() : await groups.commitOffsets(known)
        response.topics += unknown
        return response
    }
}
