import Kafka
import NIOCore

extension RequestRouter {
    /// Reads whole batches from each partition, waiting up to `max_wait_ms` for `min_bytes` (long poll).
    /// Every session is sessionless (id 0): clients then send full fetches, which Kafka allows.
    func fetch(_ request: FetchRequest, version: Int16) async -> FetchResponse {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, request.maxWaitMs)))
        while true {
            let generation = await registry.notifier.generation
            let (response, bytes) = await readPartitions(request, version: version)
            let remaining = deadline - ContinuousClock.now
            if bytes >= Int(request.minBytes) || remaining <= .zero || Task.isCancelled {
                return response
            }
            await registry.notifier.wait(after: generation, timeout: remaining)
        }
    }

    /// One pass over the requested partitions; returns the response and the record bytes it carries.
    private func readPartitions(_ request: FetchRequest, version: Int16) async -> (FetchResponse, Int) {
        var response = FetchResponse(sessionId: 0)
        var budget = request.maxBytes > 0 ? Int(request.maxBytes) : Int(Int32.max)
        var total = 0
        for topic in request.topics {
            var topicResponse = FetchResponse.FetchableTopicResponse(topic: topic.topic)
            for partition in topic.partitions {
                // Records are an empty set, never null: librdkafka rejects a null set (size -1).
                var data = FetchResponse.PartitionData(
                    partitionIndex: partition.partition, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1,
                    records: ByteBuffer())
                guard let log = await registry.log(topic: topic.topic, partition: partition.partition) else {
                    data.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                    topicResponse.partitions.append(data)
                    continue
                }
                let start = await log.logStartOffset
                let end = await log.highWatermark
                data.highWatermark = end
                data.lastStableOffset = end  // no transactions: everything is stable
                data.logStartOffset = start
                data.abortedTransactions = request.isolationLevel == 1 ? [] : nil
                guard partition.fetchOffset >= start, partition.fetchOffset <= end else {
                    data.errorCode = ErrorCode.offsetOutOfRange.rawValue
                    topicResponse.partitions.append(data)
                    continue
                }
                // As Kafka: the first partition with data returns at least one batch even over the limits.
                let limit =
                    total == 0
                    ? Int(max(partition.partitionMaxBytes, 1)) : min(Int(partition.partitionMaxBytes), budget)
                if partition.fetchOffset < end && limit > 0 {
                    do {
                        let records = try await log.read(from: partition.fetchOffset, maxBytes: limit)
                        if version < 10 && Self.containsZstd(records) {
                            data.errorCode = ErrorCode.unsupportedCompressionType.rawValue
                        } else {
                            data.records = records
                            total += records.readableBytes
                            budget -= records.readableBytes
                        }
                    } catch {
                        data.errorCode = Self.errorCode(for: error).rawValue
                    }
                }
                metrics.recordError(api: "Fetch", code: ErrorCode(rawValue: data.errorCode))
                topicResponse.partitions.append(data)
            }
            response.responses.append(topicResponse)
        }
        return (response, total)
    }

    /// Whether any batch is zstd-compressed (readers before Fetch v10 cannot decode zstd).
    static func containsZstd(_ records: ByteBuffer) -> Bool {
        var cursor = records
        while cursor.readableBytes >= RecordBatchHeader.size,
            let header = try? RecordBatchHeader(peekingAt: cursor), header.totalSize <= cursor.readableBytes
        {
            if header.attributes.compression == .zstd { return true }
            cursor.moveReaderIndex(forwardBy: header.totalSize)
        }
        return false
    }
}
