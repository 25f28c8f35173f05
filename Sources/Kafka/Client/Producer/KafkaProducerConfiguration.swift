/// How a `KafkaProducer` batches, compresses, acknowledges and retries.
package struct KafkaProducerConfiguration: Sendable {
    /// Which acknowledgement the producer waits for.
    package enum Acks: Int16, Sendable {
        /// No response at all; offsets are reported as -1.
        case none = 0
        /// The leader wrote the batch.
        case leader = 1
        /// Every in-sync replica has the batch.
        case all = -1
    }

    /// Brokers and timeouts.
    package var client = KafkaClientConfiguration()
    /// Acknowledgement level. Default: `.all`.
    package var acks: Acks = .all
    /// Codec for record batches. Default: `.none`.
    package var compression: RecordCompression = .none
    /// How long a batch waits for more records before it is sent. Default: 5 ms (Java's 4.0 default).
    package var linger: Duration = .milliseconds(5)
    /// Uncompressed bytes after which a partition's batch is sent without waiting for the linger.
    /// Default: 1,000,000 (librdkafka's `batch.size`): a partition has one batch in flight at a time, so
    /// at high rates the batch, not the linger, sets the throughput (Java's 16 KiB sustains far less).
    package var batchSize = 1_000_000
    /// Bytes of undelivered records after which `enqueue` throws `.queueFull`. Default: 32 MiB.
    package var bufferMemory = 32 * 1024 * 1024
    /// Whether to use an idempotent producer id (InitProducerId) with per-partition sequence numbers,
    /// so retries cannot duplicate records. Needs `acks = .all`. Default: true.
    package var idempotent = true
    /// How long a record may wait for delivery, retries included, before it fails. Default: 120 s.
    package var deliveryTimeout: Duration = .seconds(120)
    /// First wait before retrying a batch after a retriable error; doubles up to 1 s. Default: 100 ms.
    package var retryBackoff: Duration = .milliseconds(100)
    /// Broker-side timeout sent in Produce requests. Default: 30 s.
    package var produceTimeout: Duration = .seconds(30)

    package init() {}

    package init(bootstrapServers: [String]) {
        client.bootstrapServers = bootstrapServers
    }
}

/// Where a record was written.
package struct RecordMetadata: Sendable, Equatable {
    package var topic: String
    package var partition: Int32
    /// The record's offset, or -1 when the broker did not say (acks=0, a deduplicated retry).
    package var offset: Int64
    /// The record's timestamp in milliseconds since the epoch.
    package var timestamp: Int64

    package init(topic: String, partition: Int32, offset: Int64, timestamp: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
    }
}
