import Kafka
import NIOCore

extension RequestRouter {
    /// Reads whole batches from each partition, waiting up to `max_wait_ms` for `min_bytes` (long poll).
    /// Every session is sessionless (id 0): clients then send full fetches, which Kafka allows.
    /// With `fetchIO` sendfile the response's record sets are empty and the batches come as file
    /// slices, one per partition (nil where none), in the response's topic and partition order.
    func fetch(_ request: FetchRequest, version: Int16) async -> (FetchResponse, [[LogFileSlice?]]?) {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, request.maxWaitMs)))
        while true {
            let generation = await registry.notifier.generation
            let (response, slices, bytes) = await readPartitions(
                request, version: version, slices: configuration.fetchIO == .sendfile)
            let remaining = deadline - ContinuousClock.now
            if bytes >= Int(request.minBytes) || remaining <= .zero || Task.isCancelled {
                return (response, slices)
            }
            await registry.notifier.wait(after: generation, timeout: remaining)
        }
    }

    /// One pass over the requested partitions; returns the response, the file slices (with
    /// `slices`) and the record bytes it carries.
    private func readPartitions(_ request: FetchRequest, version: Int16, slices wantsSlices: Bool) async -> (
        FetchResponse, [[LogFileSlice?]]?, Int
    ) {
        var slices: [[LogFileSlice?]] = []
        var response = FetchResponse(sessionId: 0)
        var budget = request.maxBytes > 0 ? Int(request.maxBytes) : Int(Int32.max)
        var total = 0
        for topic in request.topics {
            var topicResponse = FetchResponse.FetchableTopicResponse(topic: topic.topic)
            var topicSlices: [LogFileSlice?] = []
            defer { slices.append(topicSlices) }
            for partition in topic.partitions {
                topicSlices.append(nil)
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
                // Kafka's limits: a partition at most partition_max_bytes, the response at most max_bytes;
                // only the first batch of the first partition with data comes whole however large it is,
                // so that a consumer always progresses. The log reads return at least one batch: one that
                // does not fit after that first partition is left for the next fetch.
                let first = total == 0
                let limit = min(Int(max(partition.partitionMaxBytes, 0)), budget)
                if partition.fetchOffset < end && (first || limit > 0) {
                    let readLimit = max(limit, 1)
                    do {
                        if wantsSlices {
                            if let slice = try await log.readSlice(from: partition.fetchOffset, maxBytes: readLimit),
                                first || slice.length <= limit
                            {
                                if version < 10 && slice.containsZstd {
                                    data.errorCode = ErrorCode.unsupportedCompressionType.rawValue
                                } else {
                                    topicSlices[topicSlices.count - 1] = slice
                                    total += slice.length
                                    budget -= slice.length
                                }
                            }
                        } else {
                            let read = try await log.read(from: partition.fetchOffset, maxBytes: readLimit)
                            let records = first || read.readableBytes <= limit ? read : ByteBuffer()
                            if version < 10 && Self.containsZstd(records) {
                                data.errorCode = ErrorCode.unsupportedCompressionType.rawValue
                            } else {
                                data.records = records
                                total += records.readableBytes
                                budget -= records.readableBytes
                            }
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
        return (response, wantsSlices ? slices : nil, total)
    }

    /// Frames a fetch response whose batches are file slices: the generated encoder writes each
    /// partition with an empty record set, whose length is then set to the slice's, and the slice
    /// follows as its own chunk. The bytes on the wire equal those of the response with the batches
    /// read into it.
    static func frame(
        _ response: FetchResponse, slices: [[LogFileSlice?]], header: RequestHeader, version: Int16
    ) -> [ResponseChunk] {
        var chunks: [ResponseChunk] = []
        var current = ByteBuffer()
        current.writeInteger(Int32(0))
        let headerVersion = HeaderVersions.response(for: FetchResponse.apiKey, version: version)
        ResponseHeader(correlationId: header.correlationId).encode(into: &current, headerVersion: headerVersion)
        current.writeInteger(response.throttleTimeMs)
        if version >= 7 {
            current.writeInteger(response.errorCode)
            current.writeInteger(response.sessionId)
        }
        current.writeInteger(Int32(response.responses.count))
        var total = 0
        for (topicIndex, topic) in response.responses.enumerated() {
            current.writeKafkaString(topic.topic)
            current.writeInteger(Int32(topic.partitions.count))
            for (partitionIndex, partition) in topic.partitions.enumerated() {
                let slice =
                    topicIndex < slices.count && partitionIndex < slices[topicIndex].count
                    ? slices[topicIndex][partitionIndex] : nil
                var data = partition
                if slice != nil { data.records = ByteBuffer() }
                data.encode(into: &current, version: version)
                guard let slice else { continue }
                current.setInteger(Int32(slice.length), at: current.writerIndex - 4)
                total += current.readableBytes + slice.length
                chunks.append(.bytes(current))
                chunks.append(.file(slice))
                current = ByteBuffer()
            }
        }
        total += current.readableBytes
        if current.readableBytes > 0 { chunks.append(.bytes(current)) }
        if case .bytes(var first) = chunks.first {
            first.setInteger(Int32(total - 4), at: first.readerIndex)
            chunks[0] = .bytes(first)
        }
        return chunks
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
