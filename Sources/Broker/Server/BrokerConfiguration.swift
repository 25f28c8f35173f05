/// Settings of `souk broker`; `init()` gives the defaults (Kafka's, except where noted).
package struct BrokerConfiguration: Sendable {
    /// Address to listen on. Default: 127.0.0.1 (local only; exposing the broker is explicit).
    package var host = "127.0.0.1"
    /// Port to listen on. Default: 9092.
    package var port = 9092
    /// Host clients are told to connect to (Metadata, FindCoordinator). Default: `host`.
    package var advertisedHost: String?
    /// Port clients are told to connect to. Default: the bound port.
    package var advertisedPort: Int?
    /// Root of the broker's files (`<dataDirectory>/broker/`). Default: ./souk-data.
    package var dataDirectory = "souk-data"
    /// Partitions of an auto-created topic, and of CreateTopics with -1. Default: 3.
    package var defaultPartitions = 3
    /// Create a topic on first Metadata or Produce. Default: true.
    package var autoCreateTopics = true
    /// Log settings every topic starts from (fsync, retention, segment size).
    package var log = LogConfiguration()
    /// Largest request accepted, checked before reading its body (`socket.request.max.bytes`). Default: 100 MiB.
    package var maxRequestBytes = 100 * 1024 * 1024
    /// Close connections silent for this long (`connections.max.idle.ms`). Default: 10 minutes.
    package var idleTimeout: Duration = .seconds(600)
    /// Connections accepted at once; more are closed on accept. Default: 10,000.
    package var maxConnections = 10_000
    /// Requests read ahead of the one being handled on a connection; past this the broker stops reading
    /// from that socket until it catches up (TCP backpressure on the client). Default: 32.
    package var maxInFlightRequests = 32
    /// Threads doing blocking file I/O for the partition logs (off Swift's cooperative pool). Default: 1.
    package var storageThreads = 1
    /// How fetches send log bytes: sendfile from the segment file, or pread into a buffer.
    package var fetchIO = FetchIO.sendfile
    /// Pause between two passes of the log cleaner over compacted topics (`log.cleaner.backoff.ms`).
    /// Default: 15 seconds.
    package var cleanerInterval: Duration = .seconds(15)
    /// Node id in Metadata. Default: 0.
    package var nodeId: Int32 = 0

    package init() {}
}

/// How a fetch's record batches go from the log to the socket.
package enum FetchIO: String, Sendable, CaseIterable {
    /// A `FileRegion` per partition: the kernel copies page cache to socket (sendfile); the batches
    /// are not read or CRC-checked by the broker.
    case sendfile
    /// `pread` into a buffer, CRC-checked, then written (the path TLS would need).
    case pread
}
