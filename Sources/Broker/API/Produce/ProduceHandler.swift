import Kafka
import NIOCore

extension RequestRouter {
    /// Appends each partition's batches to its log, verbatim (offsets assigned by rewriting the base
    /// offset), after checking versions, sizes and idempotent-producer sequences.
    func produce(_ request: ProduceRequest, version: Int16) async -> ProduceResponse {
        var response = ProduceResponse()
        let refusal: (ErrorCode, String)? =
            if version < 3 {
                // v0–2 carry message formats v0/v1; Produce v0 is advertised only for old librdkafka's sake.
                (.unsupportedVersion, "Produce v\(version) is not supported; use v3 or later")
            } else if request.transactionalId != nil {
                (.transactionalIdAuthorizationFailed, "Souk does not offer transactions")
            } else if ![0, 1, -1].contains(request.acks) {
                (.invalidRequiredAcks, "acks must be 0, 1 or -1")
            } else {
                nil
            }
        for topicData in request.topicData {
            var topicResponse = ProduceResponse.TopicProduceResponse(name: topicData.name)
            let topic = refusal == nil ? await registry.topicCreatingIfAllowed(topicData.name) : nil
            // The topic's settings, worked out once for all of its partitions in the request.
            let log = topic.map { $0.configs.logConfiguration(base: configuration.log) }
            let minInsyncReplicas = topic?.configs.minInsyncReplicas ?? 1
            for partitionData in topicData.partitionData {
                var result = ProduceResponse.PartitionProduceResponse(index: partitionData.index)
                if let refusal {
                    result.errorCode = refusal.0.rawValue
                    result.errorMessage = refusal.1
                } else if let topic, partitionData.index >= 0, Int(partitionData.index) < topic.partitions.count,
                    request.acks == -1, minInsyncReplicas > 1
                {
                    // Kafka's answer when the in-sync replicas are fewer than min.insync.replicas.
                    result.errorCode = ErrorCode.notEnoughReplicas.rawValue
                    result.errorMessage =
                        "min.insync.replicas=\(minInsyncReplicas) but this broker holds the only replica"
                } else if let topic, let log, partitionData.index >= 0,
                    Int(partitionData.index) < topic.partitions.count
                {
                    result = await append(
                        partitionData, topic: topic.name, log: topic.partitions[Int(partitionData.index)],
                        maxBatchBytes: log.maxBatchBytes, needsKeys: log.compacts)
                } else {
                    result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                }
                metrics.recordError(api: "Produce", code: ErrorCode(rawValue: result.errorCode))
                topicResponse.partitionResponses.append(result)
            }
            response.responses.append(topicResponse)
        }
        return response
    }

    private func append(
        _ data: ProduceRequest.PartitionProduceData, topic: String, log: PartitionLog, maxBatchBytes: Int,
        needsKeys: Bool
    ) async -> ProduceResponse.PartitionProduceResponse {
        var result = ProduceResponse.PartitionProduceResponse(index: data.index)
        func fail(_ code: ErrorCode, _ message: String) -> ProduceResponse.PartitionProduceResponse {
            result.errorCode = code.rawValue
            result.errorMessage = message
            return result
        }
        guard let records = data.records, records.readableBytes > 0 else {
            return fail(.invalidRecord, "no records")
        }
        var headers: [RecordBatchHeader] = []
        var cursor = records
        while cursor.readableBytes > 0 {
            do {
                let header = try RecordBatchHeader(peekingAt: cursor)
                guard header.totalSize <= cursor.readableBytes, header.batchLength >= 49 else {
                    return fail(.corruptMessage, "a record batch is truncated")
                }
                guard header.totalSize <= maxBatchBytes else {
                    return fail(.messageTooLarge, "batch of \(header.totalSize) bytes exceeds \(maxBatchBytes)")
                }
                if header.attributes.isTransactional || header.attributes.isControl {
                    return fail(.transactionalIdAuthorizationFailed, "Souk does not offer transactions")
                }
                if needsKeys, let problem = Self.keyProblem(cursor, header: header) {
                    // KIP-467: name the records at fault, so clients fail only those with INVALID_RECORD.
                    result.recordErrors = problem.records.map {
                        .init(batchIndex: $0, batchIndexErrorMessage: "compacted topic: a record needs a key")
                    }
                    return fail(problem.code, problem.message)
                }
                headers.append(header)
                cursor.moveReaderIndex(forwardBy: header.totalSize)
            } catch .unsupportedMagic(let magic) {
                return fail(.unsupportedForMessageFormat, "message format v\(magic) is not supported; use v2")
            } catch {
                return fail(.corruptMessage, "malformed record batch: \(error)")
            }
        }
        // Clients send one batch per partition; idempotence is checked on the first (and only) one.
        // Plain producers (no producer id) skip the producer table altogether.
        let first = headers[0]
        let idempotent = first.producerId >= 0
        let decision: ProducerStateTable.Decision =
            idempotent
            ? await producers.check(
                topic: topic, partition: data.index, producerId: first.producerId, epoch: first.producerEpoch,
                baseSequence: first.baseSequence, lastOffsetDelta: first.lastOffsetDelta)
            : .append
        switch decision {
        case .duplicate(let baseOffset):
            result.baseOffset = baseOffset
            result.logStartOffset = await log.logStartOffset
            result.logAppendTimeMs = -1
            return result
        case .reject(let code, let message):
            return fail(code, message)
        case .append:
            break
        }
        do {
            let info = try await log.append(batches: records, now: Self.now())
            if idempotent {
                await producers.record(
                    topic: topic, partition: data.index, producerId: first.producerId, epoch: first.producerEpoch,
                    baseSequence: first.baseSequence, lastOffsetDelta: first.lastOffsetDelta,
                    baseOffset: info.baseOffset)
            }
            await registry.notifier.appended()
            result.baseOffset = info.baseOffset
            result.logAppendTimeMs = -1
            result.logStartOffset = info.logStartOffset
            return result
        } catch {
            return fail(Self.errorCode(for: error), "\(error)")
        }
    }

    /// The Kafka error code for a log failure.
    static func errorCode(for error: LogError) -> ErrorCode {
        switch error {
        case .invalidBatch(_, let defect):
            switch defect {
            case .lengthOutOfRange: .messageTooLarge
            case .unsupportedMagic: .unsupportedForMessageFormat
            default: .corruptMessage
            }
        case .offsetOutOfRange: .offsetOutOfRange
        default: .kafkaStorageError
        }
    }

    /// On a compacted topic every record needs a key (the cleaner keeps the newest record per key), as
    /// Kafka requires: why the batch at the start of `batches` is refused, and the indexes in the batch of
    /// the records without a key; nil when every record has one.
    private static func keyProblem(_ batches: ByteBuffer, header: RecordBatchHeader)
        -> (code: ErrorCode, message: String, records: [Int32])?
    {
        guard let bytes = batches.getSlice(at: batches.readerIndex, length: header.totalSize) else {
            return (.corruptMessage, "a record batch is truncated", [])
        }
        do {
            let records = try RecordBatch(validating: bytes).records()
            let keyless = records.indices.filter { records[$0].key == nil }.map { Int32(clamping: $0) }
            guard keyless.isEmpty else { return (.invalidRecord, "compacted topic: every record needs a key", keyless) }
            return nil
        } catch {
            return (.corruptMessage, "malformed record batch: \(error)", [])
        }
    }
}
