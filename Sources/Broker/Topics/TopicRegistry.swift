import Foundation
import Kafka
import Logging
import NIOCore
import NIOPosix

/// The broker's topics and their partition logs: creation (explicit or automatic), deletion, more
/// partitions, configs, and the list persisted in `<data>/broker/topics.json`.
package actor TopicRegistry {
    /// One topic: its configs and a log per partition.
    package struct Topic: Sendable {
        package var name: String
        package var configs: TopicConfigs
        package var partitions: [PartitionLog]
    }

    /// What `topics.json` holds per topic.
    private struct StoredTopic: Codable {
        var partitions: Int
        var configs: [String: String]
    }

    package let configuration: BrokerConfiguration
    package let notifier = AppendNotifier()
    private let logger: Logger
    private let storage: MultiThreadedEventLoopGroup
    private let lock: DataDirectoryLock
    private nonisolated let directory: String
    /// `<data>/broker`, where the registry keeps its files (and the producer state lives).
    package nonisolated var directoryPath: String { directory }
    private var topics: [String: Topic] = [:]
    /// Topics being created, so concurrent auto-creations of one name wait for the first.
    private var creating: Set<String> = []

    private init(
        configuration: BrokerConfiguration, logger: Logger, storage: MultiThreadedEventLoopGroup,
        lock: DataDirectoryLock, directory: String
    ) {
        self.configuration = configuration
        self.logger = logger
        self.storage = storage
        self.lock = lock
        self.directory = directory
    }

    /// Locks `<data>/broker`, then opens (and recovers) every partition of every stored topic.
    package static func open(configuration: BrokerConfiguration, logger: Logger) async throws -> TopicRegistry {
        let directory = (configuration.dataDirectory as NSString).appendingPathComponent("broker")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lock = try DataDirectoryLock(directory: directory)
        let storage = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.storageThreads))
        let registry = TopicRegistry(
            configuration: configuration, logger: logger, storage: storage, lock: lock, directory: directory)
        do {
            try await registry.load()
        } catch {
            await registry.close()
            throw error
        }
        return registry
    }

    private func load() async throws {
        guard let contents = try AtomicFile.read(topicsPath) else { return }
        let stored = try JSONDecoder().decode([String: StoredTopic].self, from: Data(contents.readableBytesView))
        for (name, topic) in stored.sorted(by: { $0.key < $1.key }) {
            let configs = TopicConfigs(overrides: topic.configs)
            var logs: [PartitionLog] = []
            for partition in 0..<topic.partitions {
                logs.append(try await openLog(topic: name, partition: partition, configs: configs))
            }
            topics[name] = Topic(name: name, configs: configs, partitions: logs)
        }
        logger.info("topics loaded", metadata: ["broker.topics": "\(topics.count)"])
    }

    private var topicsPath: String { (directory as NSString).appendingPathComponent("topics.json") }

    private func openLog(topic: String, partition: Int, configs: TopicConfigs) async throws -> PartitionLog {
        let path = (directory as NSString).appendingPathComponent("\(topic)-\(partition)")
        return try await PartitionLog.open(
            directory: path, configuration: configs.logConfiguration(base: configuration.log),
            eventLoop: storage.next(), logger: logger)
    }

    private func persist() throws {
        var stored: [String: StoredTopic] = [:]
        for (name, topic) in topics {
            stored[name] = StoredTopic(partitions: topic.partitions.count, configs: topic.configs.overrides)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(Array(try encoder.encode(stored)), to: topicsPath)
    }

    // MARK: Queries

    /// Every topic, by name.
    package var all: [Topic] { topics.values.sorted { $0.name < $1.name } }

    /// The topic named `name`, if it exists.
    package func topic(_ name: String) -> Topic? { topics[name] }

    /// The log of one partition, if the topic and partition exist.
    package func log(topic: String, partition: Int32) -> PartitionLog? {
        guard let topic = topics[topic], partition >= 0, Int(partition) < topic.partitions.count else { return nil }
        return topic.partitions[Int(partition)]
    }

    /// The topic, created with the default partition count when missing and auto-creation is on.
    package func topicCreatingIfAllowed(_ name: String, allowAutoCreate: Bool = true) async -> Topic? {
        if let topic = topics[name] { return topic }
        guard configuration.autoCreateTopics, allowAutoCreate, Self.nameProblem(name) == nil else { return nil }
        _ = await create(name, partitions: configuration.defaultPartitions, configs: [:], validateOnly: false)
        return topics[name]
    }

    // MARK: Admin

    /// Why `name` is not a legal topic name, or nil (Kafka's rules: 1–249 of `[a-zA-Z0-9._-]`, not `.`/`..`).
    package static func nameProblem(_ name: String) -> String? {
        if name.isEmpty || name == "." || name == ".." { return "topic name '\(name)' is illegal" }
        if name.utf8.count > 249 { return "topic name is longer than 249 characters" }
        let legal = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        return legal ? nil : "topic name '\(name)' has characters other than ASCII letters, digits, '.', '_' and '-'"
    }

    /// Creates a topic; returns the error code and message for CreateTopics.
    package func create(_ name: String, partitions: Int, configs: [String: String], validateOnly: Bool) async -> (
        ErrorCode, String?
    ) {
        if let problem = Self.nameProblem(name) { return (.invalidTopicException, problem) }
        if topics[name] != nil || creating.contains(name) {
            return (.topicAlreadyExists, "topic '\(name)' already exists")
        }
        guard partitions >= 1, partitions <= 10_000 else {
            return (.invalidPartitions, "number of partitions must be from 1 to 10000")
        }
        for (key, value) in configs {
            if let problem = TopicConfigs.problem(name: key, value: value) { return (.invalidConfig, problem) }
        }
        if validateOnly { return (.none, nil) }
        creating.insert(name)
        defer { creating.remove(name) }
        let topicConfigs = TopicConfigs(overrides: configs)
        var logs: [PartitionLog] = []
        do {
            for partition in 0..<partitions {
                logs.append(try await openLog(topic: name, partition: partition, configs: topicConfigs))
            }
            topics[name] = Topic(name: name, configs: topicConfigs, partitions: logs)
            try persist()
        } catch {
            logger.error("topic creation failed", metadata: ["topic": "\(name)", "error": "\(error)"])
            topics[name] = nil
            for log in logs { try? await log.close() }
            return (.kafkaStorageError, "cannot create topic '\(name)': \(error)")
        }
        logger.info("topic created", metadata: ["topic": "\(name)", "partitions": "\(partitions)"])
        return (.none, nil)
    }

    /// Deletes a topic and its files.
    package func delete(_ name: String) async -> ErrorCode {
        guard let topic = topics.removeValue(forKey: name) else { return .unknownTopicOrPartition }
        for (partition, log) in topic.partitions.enumerated() {
            try? await log.close()
            let path = (directory as NSString).appendingPathComponent("\(name)-\(partition)")
            try? FileManager.default.removeItem(atPath: path)
        }
        do { try persist() } catch { return .kafkaStorageError }
        logger.info("topic deleted", metadata: ["topic": "\(name)"])
        return .none
    }

    /// Raises a topic's partition count to `count`.
    package func addPartitions(_ name: String, count: Int, validateOnly: Bool) async -> (ErrorCode, String?) {
        guard var topic = topics[name] else { return (.unknownTopicOrPartition, "no topic '\(name)'") }
        guard count > topic.partitions.count else {
            return (.invalidPartitions, "topic has \(topic.partitions.count) partitions; \(count) is not more")
        }
        guard count <= 10_000 else { return (.invalidPartitions, "at most 10000 partitions") }
        if validateOnly { return (.none, nil) }
        do {
            for partition in topic.partitions.count..<count {
                topic.partitions.append(try await openLog(topic: name, partition: partition, configs: topic.configs))
            }
            topics[name] = topic
            try persist()
        } catch {
            return (.kafkaStorageError, "cannot add partitions: \(error)")
        }
        return (.none, nil)
    }

    /// Changes a topic's config overrides with `change` (IncrementalAlterConfigs), validated and
    /// applied as `setConfigs` does; `change` returns an error to refuse the change.
    package func updateConfigs(
        _ name: String, validateOnly: Bool,
        _ change: @Sendable (inout [String: String]) -> (ErrorCode, String)?
    ) async -> (ErrorCode, String?) {
        guard let topic = topics[name] else { return (.unknownTopicOrPartition, "no topic '\(name)'") }
        var configs = topic.configs.overrides
        if let refused = change(&configs) { return refused }
        return await setConfigs(name, configs, validateOnly: validateOnly)
    }

    /// Replaces a topic's config overrides (AlterConfigs' semantics), validated; the open logs follow at once.
    package func setConfigs(_ name: String, _ configs: [String: String], validateOnly: Bool) async -> (
        ErrorCode, String?
    ) {
        guard var topic = topics[name] else { return (.unknownTopicOrPartition, "no topic '\(name)'") }
        for (key, value) in configs {
            if let problem = TopicConfigs.problem(name: key, value: value) { return (.invalidConfig, problem) }
        }
        if validateOnly { return (.none, nil) }
        topic.configs = TopicConfigs(overrides: configs)
        topics[name] = topic
        do { try persist() } catch { return (.kafkaStorageError, "cannot save configs: \(error)") }
        // The open logs follow at once (not only after a restart).
        let log = topic.configs.logConfiguration(base: configuration.log)
        for partition in topic.partitions {
            do { try await partition.reconfigure(log) } catch {
                return (.invalidConfig, "the log refused the configs: \(error)")
            }
        }
        return (.none, nil)
    }

    // MARK: Lifecycle

    /// Applies retention to every partition log.
    package func enforceRetention(now: Int64) async {
        for topic in topics.values {
            for log in topic.partitions {
                do { _ = try await log.enforceRetention(now: now) } catch {
                    logger.error(
                        "retention failed", metadata: ["log.directory": "\(log.directory)", "error": "\(error)"])
                }
            }
        }
    }

    /// Runs the cleaner over every partition of the compacted topics (`cleanup.policy=compact`).
    package func cleanCompactedLogs(now: Int64) async {
        for topic in topics.values where topic.configs.logConfiguration(base: configuration.log).compacts {
            for log in topic.partitions {
                do { _ = try await log.clean(now: now) } catch {
                    logger.error(
                        "cleaner failed", metadata: ["log.directory": "\(log.directory)", "error": "\(error)"])
                }
            }
        }
    }

    /// Flushes and closes every log, then releases the data directory lock; returns the logs whose last
    /// flush or close failed (each logged), so that a stop that lost data is not reported as clean.
    @discardableResult
    package func close() async -> [String] {
        var failed: [String] = []
        for topic in topics.values {
            for log in topic.partitions {
                do { try await log.close() } catch {
                    logger.error(
                        "cannot flush and close a partition log",
                        metadata: ["log.directory": "\(log.directory)", "error": "\(error)"])
                    failed.append(log.directory)
                }
            }
        }
        topics = [:]
        lock.release()
        try? await storage.shutdownGracefully()
        return failed
    }
}
