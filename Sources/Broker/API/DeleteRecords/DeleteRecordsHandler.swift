import Kafka

extension RequestRouter {
    /// Moves each partition's log start to the given offset (-1: the log end).
    func deleteRecords(_ request: DeleteRecordsRequest) async -> DeleteRecordsResponse {
        var response = DeleteRecordsResponse()
        for topic in request.topics {
            var topicResult = DeleteRecordsResponse.DeleteRecordsTopicResult(name: topic.name)
            for partition in topic.partitions {
                var result = DeleteRecordsResponse.DeleteRecordsPartitionResult(
                    partitionIndex: partition.partitionIndex, lowWatermark: -1)
                if let log = await registry.log(topic: topic.name, partition: partition.partitionIndex) {
                    do {
                        let end = await log.highWatermark
                        let target = partition.offset == -1 ? end : partition.offset
                        if target < 0 || target > end {
                            result.errorCode = ErrorCode.offsetOutOfRange.rawValue
                        } else {
                            result.lowWatermark = try await log.deleteRecords(before: target)
                        }
                    } catch {
                        result.errorCode = Self.errorCode(for: error).rawValue
                    }
                } else {
                    result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                }
                topicResult.partitions.append(result)
            }
            response.topics.append(topicResult)
        }
        return response
    }
}
