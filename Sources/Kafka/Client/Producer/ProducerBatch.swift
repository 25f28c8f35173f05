import NIOCore

/// A record waiting in the producer, with the continuation of the `send` that waits for it.
package struct PendingRecord: Sendable {
    package var key: ByteBuffer?
    package var value: ByteBuffer?
    package var headers: [RecordHeader]
    /// Milliseconds since the epoch.
    package var timestamp: Int64
    /// Resumed with the record's metadata or error; nil for `enqueue`d records.
    package var completion: CheckedContinuation<RecordMetadata, any Error>?
    /// Called once with the record's metadata or error (a delivery report, as librdkafka's), when set.
    package var onDelivery: DeliveryReport?

    /// What a delivery report receives: the record's metadata, or why it failed for good.
    package typealias DeliveryReport = @Sendable (Result<RecordMetadata, KafkaClientError>) -> Void

    package init(
        key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader] = [], timestamp: Int64,
        completion: CheckedContinuation<RecordMetadata, any Error>? = nil, onDelivery: DeliveryReport? = nil
    ) {
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
        self.completion = completion
        self.onDelivery = onDelivery
    }

    /// Whether someone learns of this record's fate other than through `flush()`.
    var isAwaited: Bool { completion != nil || onDelivery != nil }

    /// Tells whoever waits for this record how it ended.
    func report(_ result: Result<RecordMetadata, KafkaClientError>) {
        switch result {
        case .success(let metadata): completion?.resume(returning: metadata)
        case .failure(let error): completion?.resume(throwing: error)
        }
        onDelivery?(result)
    }

    /// Roughly the record's encoded size: its bytes plus varint and attribute overhead.
    package var estimatedSize: Int {
        var size = 16 + (key?.readableBytes ?? 0) + (value?.readableBytes ?? 0)
        for header in headers { size += 4 + header.key.utf8.count + (header.value?.readableBytes ?? 0) }
        return size
    }
}

/// The records of one partition that go out as one RecordBatch v2.
package struct ProducerBatch: Sendable {
    package var partition: TopicPartition
    package var records: [PendingRecord] = []
    /// Sum of the records' estimated sizes.
    package var size = 0
    /// When the first record arrived.
    package var createdAt: ContinuousClock.Instant
    /// Still accepting records (false once full or drained).
    package var isOpen = true
    /// Sent and not yet answered.
    package var inFlight = false
    /// The idempotent sequence of the first record, assigned on first drain and kept for retries; -1 without idempotence.
    package var baseSequence: Int32 = -1
    /// Sends so far.
    package var attempts = 0
    /// Not before this instant (a retry's backoff).
    package var retryAt: ContinuousClock.Instant?

    package init(partition: TopicPartition, createdAt: ContinuousClock.Instant) {
        self.partition = partition
        self.createdAt = createdAt
    }

    /// The RecordBatch v2 of these records, with the producer's identity and this batch's sequence.
    package func build(compression: RecordCompression, producerId: Int64, producerEpoch: Int16) throws(WireError)
        -> RecordBatch
    {
        var header = RecordBatchHeader()
        let baseTimestamp = records.first?.timestamp ?? 0
        header.baseTimestamp = baseTimestamp
        header.attributes = RecordBatchAttributes(compression: compression)
        header.producerId = producerId
        header.producerEpoch = producerEpoch
        header.baseSequence = baseSequence
        var built: [Record] = []
        built.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            built.append(
                Record(
                    timestampDelta: record.timestamp - baseTimestamp, offsetDelta: Int32(index), key: record.key,
                    value: record.value, headers: record.headers))
        }
        return try RecordBatch(building: built, header: header)
    }
}
