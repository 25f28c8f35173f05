import Kafka

extension RequestRouter {
    /// Offsets by time: -2 is the log start, -1 the log end, else the first record whose timestamp is at
    /// least the time (its offset and timestamp).
    func listOffsets(_ request: ListOffsetsRequest) async -> ListOffsetsResponse {
        var response = ListOffsetsResponse()
        for topic in request.topics {
            var topicResponse = ListOffsetsResponse.ListOffsetsTopicResponse(name: topic.name)
            for partition in topic.partitions {
                var result = ListOffsetsResponse.ListOffsetsPartitionResponse(
                    partitionIndex: partition.partitionIndex, timestamp: -1, offset: -1, leaderEpoch: 0)
                guard let log = await registry.log(topic: topic.name, partition: partition.partitionIndex) else {
                    result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                    topicResponse.partitions.append(result)
                    continue
                }
                switch partition.timestamp {
                case -2: result.offset = await log.logStartOffset
                case -1: result.offset = await log.highWatermark
                default:
                    do {
                        if let found = try await log.record(forTimestamp: partition.timestamp) {
                            result.offset = found.offset
                            result.timestamp = found.timestamp
                        }
                    } catch {
                        result.errorCode = Self.errorCode(for: error).rawValue
                    }
                }
                topicResponse.partitions.append(result)
            }
            response.topics.append(topicResponse)
        }
        return response
    }
}
