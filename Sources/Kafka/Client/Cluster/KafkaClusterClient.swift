import Logging
import NIOCore
import NIOPosix

/// The client's view of a cluster: bootstrap servers, a metadata cache (topic → partitions → leader)
/// and one connection per broker, reopened with backoff when a broker goes away (a restart).
package actor KafkaClusterClient {
    package let configuration: KafkaClientConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private var connections: [BrokerAddress: KafkaConnection] = [:]
    private var metadata = ClusterMetadata()
    private var isClosed = false

    package init(
        configuration: KafkaClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "souk.kafka.client")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// The cached metadata.
    package var cachedMetadata: ClusterMetadata { metadata }

    /// Asks a broker for metadata of `topics` (all topics when nil) and merges it into the cache.
    @discardableResult
    package func refreshMetadata(topics: [String]?) async throws(KafkaClientError) -> ClusterMetadata {
        let request = MetadataRequest(
            topics: topics.map { $0.map { MetadataRequest.MetadataRequestTopic(name: $0) } },
            allowAutoTopicCreation: configuration.allowAutoTopicCreation)
        let response = try await sendToAnyBroker(request)
        metadata.merge(response)
        return metadata
    }

    /// The topic's metadata, refreshed when unknown or `refresh` is set. Waits (with backoff, up to the
    /// request timeout) while the topic is being created or has partitions without a leader.
    package func topic(_ name: String, refresh: Bool = false) async throws(KafkaClientError) -> TopicMetadata {
        if !refresh, let known = metadata.topics[name], known.error == .none, !known.partitions.isEmpty {
            return known
        }
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.requestTimeout
        var attempt = 0
        while true {
            try await refreshMetadata(topics: [name])
            if let topic = metadata.topics[name], topic.error == .none, !topic.partitions.isEmpty,
                topic.partitions.values.allSatisfy({ $0.leader >= 0 })
            {
                return topic
            }
            let error = metadata.topics[name]?.error ?? .unknownTopicOrPartition
            guard error == .none || error.isRetriable, clock.now < deadline else {
                if error == .unknownTopicOrPartition {
                    throw .unknownTopicOrPartition(TopicPartition(topic: name, partition: -1))
                }
                throw .broker(error, api: .metadata, context: "topic \(name)")
            }
            try await sleep(configuration.reconnectBackoff * (1 << min(attempt, 4)))
            attempt += 1
        }
    }

    /// The node id of the partition's leader, from the cache or a refresh.
    package func leader(for partition: TopicPartition) async throws(KafkaClientError) -> Int32 {
        var topic = try await topic(partition.topic)
        if topic.partitions[partition.partition].map({ $0.leader < 0 }) ?? true {
            topic = try await self.topic(partition.topic, refresh: true)
        }
        guard let leader = topic.partitions[partition.partition]?.leader, leader >= 0 else {
            throw .unknownTopicOrPartition(partition)
        }
        return leader
    }

    /// Forgets cached leaders so the next lookup refreshes them.
    package func invalidateMetadata(topics: some Sequence<String>) {
        for topic in topics { metadata.topics[topic] = nil }
    }

    /// An open connection to the broker with this node id.
    package func connection(toNode nodeId: Int32) async throws(KafkaClientError) -> KafkaConnection {
        if metadata.brokers[nodeId] == nil { try await refreshMetadata(topics: []) }
        guard let address = metadata.brokers[nodeId] else {
            throw .connectionFailed(host: "node \(nodeId)", port: 0, reason: "not in the cluster metadata")
        }
        return try await connection(to: address)
    }

    /// An open connection to `address`, reused when one is open; reconnects with backoff.
    package func connection(to address: BrokerAddress) async throws(KafkaClientError) -> KafkaConnection {
        guard !isClosed else { throw .closed }
        if let existing = connections[address], existing.isActive { return existing }
        connections[address] = nil
        let backoff = Backoff(initial: configuration.reconnectBackoff, maximum: configuration.reconnectBackoffMax)
        var lastError = KafkaClientError.connectionFailed(host: address.host, port: address.port, reason: "no attempt")
        for attempt in 0..<max(1, configuration.connectAttempts) {
            if attempt > 0 { try await sleep(backoff.delay(attempt: attempt - 1)) }
            do throws(KafkaClientError) {
                let connection = try await KafkaConnection.connect(
                    to: address, configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
                // Another caller may have connected while this one was suspended.
                if let existing = connections[address], existing.isActive {
                    await connection.close()
                    return existing
                }
                guard !isClosed else {
                    await connection.close()
                    throw .closed
                }
                connections[address] = connection
                return connection
            } catch {
                lastError = error
                guard error.isRetriable else { throw error }
                logger.debug(
                    "connect failed",
                    metadata: ["kafka.broker": "\(address)", "error": "\(error)", "attempt": "\(attempt)"])
            }
        }
        throw lastError
    }

    /// Sends `request` to the broker with this node id; a failed connection is dropped so the next
    /// call reconnects.
    package func send<R: KafkaRequest>(_ request: R, toNode nodeId: Int32, timeout: Duration? = nil)
        async throws(KafkaClientError) -> R.Response
    {
        let connection = try await connection(toNode: nodeId)
        return try await send(request, over: connection, timeout: timeout)
    }

    /// Sends `request` over `connection`, dropping the connection from the cache if it fails.
    package func send<R: KafkaRequest>(_ request: R, over connection: KafkaConnection, timeout: Duration? = nil)
        async throws(KafkaClientError) -> R.Response
    {
        do {
            return try await connection.send(request, timeout: timeout)
        } catch {
            if case .broker = error {} else { dropIfDead(connection) }
            throw error
        }
    }

    /// Sends `request` to any broker: a connected one first, then known brokers, then bootstrap servers.
    package func sendToAnyBroker<R: KafkaRequest>(_ request: R) async throws(KafkaClientError) -> R.Response {
        var candidates: [BrokerAddress] = connections.filter { $0.value.isActive }.map(\.key)
        candidates += metadata.brokers.values.sorted { $0.description < $1.description }
        candidates += configuration.bootstrapServers.compactMap(BrokerAddress.init(parsing:))
        var seen: Set<BrokerAddress> = []
        var lastError: KafkaClientError?
        for address in candidates where seen.insert(address).inserted {
            do {
                let connection = try await connection(to: address)
                return try await send(request, over: connection)
            } catch {
                guard error.isRetriable else { throw error }
                lastError = error
            }
        }
        if let lastError, case .broker = lastError { throw lastError }
        throw .noBrokerReachable(servers: configuration.bootstrapServers)
    }

    /// Forgets `connection` if it is closed, so the next request reconnects.
    package func dropIfDead(_ connection: KafkaConnection) {
        if !connection.isActive, connections[connection.address] === connection {
            connections[connection.address] = nil
        }
    }

    /// Closes every connection; later calls throw `.closed`.
    package func close() async {
        isClosed = true
        let open = connections.values
        connections = [:]
        for connection in open { await connection.close() }
    }

    private func sleep(_ duration: Duration) async throws(KafkaClientError) {
        do { try await Task.sleep(for: duration) } catch { throw .closed }
    }
}
