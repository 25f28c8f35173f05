import Kafka

/// OffsetFetch (versions 1–5).
extension GroupCoordinator {
    /// Handles an OffsetFetch request sent in `version`. Partitions without a commit get offset -1 and no
    /// error; null topics (v2+) return every committed offset of the group, by topic and partition.
    package func fetchOffsets(_ request: OffsetFetchRequest, version: Int16) -> OffsetFetchResponse {
        guard !isShutDown else {
            // v1 has no top-level error; its clients read the partitions' errors.
            let error = ErrorCode.coordinatorNotAvailable.rawValue
            return OffsetFetchResponse(
                topics: (request.topics ?? []).map { topic in
                    .init(
                        name: topic.name,
                        partitions: topic.partitionIndexes.map {
                            .init(partitionIndex: $0, committedOffset: -1, metadata: "", errorCode: error)
                        })
                }, errorCode: error)
        }
        let committed = offsets[request.groupId] ?? [:]
        guard let topics = request.topics else {
            let byTopic = Dictionary(grouping: committed, by: \.key.topic)
            return OffsetFetchResponse(
                topics: byTopic.keys.sorted().map { topic in
                    .init(
                        name: topic,
                        partitions: (byTopic[topic] ?? []).sorted { $0.key.partition < $1.key.partition }.map {
                            Self.partition($0.key.partition, $0.value)
                        })
                })
        }
        return OffsetFetchResponse(
            topics: topics.map { topic in
                .init(
                    name: topic.name,
                    partitions: topic.partitionIndexes.map { index in
                        let key = OffsetKey(groupId: request.groupId, topic: topic.name, partition: index)
                        return Self.partition(index, committed[key])
                    })
            })
    }

    private static func partition(
        _ index: Int32, _ committed: CommittedOffset?
    ) -> OffsetFetchResponse.OffsetFetchResponsePartition {
        .init(
            partitionIndex: index, committedOffset: committed?.offset ?? -1,
            committedLeaderEpoch: committed?.leaderEpoch ?? -1, metadata: committed?.metadata ?? "", errorCode: 0)
    }
}
