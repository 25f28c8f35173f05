import DequeModule
import Kafka
import Logging
import NIOCore

/// Reads a topic through Souk's Kafka client (Souk's broker, Apache Kafka or Redpanda).
///
/// Without a group, every partition is assigned explicitly and starts at the checkpoint or the
/// earliest offset. With a group, the source joins it and reads the partitions the group assigns,
/// starting at the checkpoint, the group's committed offset, or the earliest offset. A background
/// task prefetches into a bounded buffer so fetching overlaps processing; `read` takes exactly the
/// planned ranges out of it, waiting when a replayed range is not fetched yet.
public actor KafkaStreamSource: StreamSource {
    public struct Configuration: Sendable {
        /// `host:port` of one or more brokers.
        public var bootstrapServers: [String] = ["127.0.0.1:9092"]
        public var topic = "ecommerce-transactions"
        /// Consumer group to join; nil reads every partition by explicit assignment.
        public var group: String?
        /// Records buffered ahead of processing, over all partitions. Default: 1,000,000.
        public var maxBufferedRecords = 1_000_000
        /// Longest wait of one fetch. Default: 100 ms.
        public var fetchMaxWait: Duration = .milliseconds(100)
        /// Records per chunk handed to one worker. Default: 65,536.
        public var pieceRecords = 65_536
        /// How long to wait for the topic to exist before failing. Default: 30 s.
        public var topicWait: Duration = .seconds(30)

        public init() {}
    }

    public nonisolated let description: String
    private let configuration: Configuration
    private let consumer: KafkaConsumer
    private let member: GroupMember?
    private let logger: Logger
    /// Fetched records not read yet, per partition, in offset order: their values decoded straight
    /// from the fetched batches into chunks of at most `pieceRecords` lines, the last one filling up.
    private var buffers: [SourcePartition: Deque<SourceChunk>] = [:]
    private var bufferedCount = 0
    /// Per assigned partition: where it started and the next offset to fetch.
    private var starts: [SourcePartition: Int64] = [:]
    private var positions: [SourcePartition: Int64] = [:]
    private var resume: [SourcePartition: Int64] = [:]
    private var assignmentChanged = false
    private var pendingAssignment: [TopicPartition]?

    public init(_ configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        description = "kafka[\(configuration.topic)]"
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.bootstrapServers, groupId: configuration.group)
        consumerConfiguration.autoOffsetReset = .earliest
        consumerConfiguration.fetchMaxWait = configuration.fetchMaxWait
        consumerConfiguration.maxPartitionFetchBytes = 8 * 1024 * 1024
        consumerConfiguration.client.allowAutoTopicCreation = false
        consumerConfiguration.client.clientId = "souk-stream"
        consumer = KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        if let group = configuration.group {
            member = GroupMember(
                configuration: GroupMemberConfiguration(groupId: group, topics: [configuration.topic]),
                transport: ClusterGroupTransport(cluster: consumer.clusterClient), logger: logger)
        } else {
            member = nil
        }
    }

    public func start(resume: [SourcePartition: Int64]) async throws(StreamError) -> [SourcePartition: Int64] {
        self.resume = resume
        if let member {
            let assigned: [TopicPartition]
            do { assigned = try await member.join() } catch { throw .source("cannot join group: \(error)") }
            if let generation = await member.generation { await consumer.setGeneration(generation) }
            try await assign(assigned)
        } else {
            // The topic may not exist yet (a producer creates it on first use): wait for it a while.
            var metadata: TopicMetadata?
            let clock = ContinuousClock()
            let deadline = clock.now + configuration.topicWait
            while metadata == nil {
                do {
                    metadata = try await consumer.clusterClient.topic(configuration.topic, refresh: true)
                } catch {
                    guard clock.now < deadline else { throw .source("topic '\(configuration.topic)': \(error)") }
                    logger.info(
                        "waiting for the topic", metadata: ["topic": "\(configuration.topic)", "error": "\(error)"])
                    do { try await Task.sleep(for: .milliseconds(500)) } catch { throw .source("cancelled") }
                }
            }
            guard let metadata else { throw .source("topic '\(configuration.topic)' has no metadata") }
            try await assign(
                metadata.partitions.keys.sorted().map { TopicPartition(topic: configuration.topic, partition: $0) })
        }
        return starts
    }

    private func assign(_ partitions: [TopicPartition]) async throws(StreamError) {
        var assignment: [TopicPartition: StartOffset] = [:]
        for partition in partitions {
            let key = SourcePartition(topic: partition.topic, partition: partition.partition)
            assignment[partition] = resume[key].map { .offset($0) } ?? (member == nil ? .earliest : .committed)
        }
        await consumer.assign(assignment)
        buffers = [:]
        bufferedCount = 0
        starts = [:]
        positions = [:]
        for partition in partitions {
            let key = SourcePartition(topic: partition.topic, partition: partition.partition)
            do {
                let position = try await consumer.position(of: partition)
                starts[key] = position
                positions[key] = position
            } catch { throw .source("cannot resolve the start of \(partition): \(error)") }
        }
        logger.info(
            "source assigned",
            metadata: ["partitions": "\(partitions.map(\.partition).sorted())", "starts": "\(starts.sorted(by: <))"])
    }

    public func available() async throws(StreamError) -> [SourcePartition: Range<Int64>] {
        if let pending = pendingAssignment {
            pendingAssignment = nil
            try await assign(pending)
        }
        var ranges: [SourcePartition: Range<Int64>] = [:]
        for (partition, start) in starts {
            let first = buffers[partition]?.first?.offsets.first ?? positions[partition] ?? start
            ranges[partition] = min(first, positions[partition] ?? start)..<(positions[partition] ?? start)
        }
        return ranges
    }

    public func latest() async throws(StreamError) -> [SourcePartition: Int64] {
        let partitions = starts.keys.map { TopicPartition(topic: $0.topic, partition: $0.partition) }
        do {
            let ends = try await consumer.endOffsets(partitions)
            return Dictionary(
                uniqueKeysWithValues: ends.map { (SourcePartition(topic: $0.topic, partition: $0.partition), $1) })
        } catch { throw .source("cannot list end offsets: \(error)") }
    }

    public func read(_ ranges: [SourcePartition: Range<Int64>]) async throws(StreamError) -> [SourceChunk] {
        var chunks: [SourceChunk] = []
        for (partition, range) in ranges.sorted(by: { $0.key < $1.key }) where !range.isEmpty {
            while (positions[partition] ?? 0) < range.upperBound {
                guard starts[partition] != nil else { throw .source("partition \(partition) is not assigned") }
                do { try await Task.sleep(for: .milliseconds(1)) } catch { throw .source("cancelled") }
            }
            // Taken out of the dictionary so it is uniquely referenced: trimming it copies nothing.
            var buffered = buffers.removeValue(forKey: partition) ?? Deque()
            while var chunk = buffered.popFirst() {
                // Lines before the range were read by an earlier batch; a chunk that runs past the
                // range is cut, its rest waits for the next batch.
                let skip = chunk.lineCount(below: range.lowerBound)
                bufferedCount -= skip
                if skip == chunk.count { continue }
                if skip > 0 { _ = chunk.removeFirst(lines: skip) }
                let take = chunk.lineCount(below: range.upperBound)
                bufferedCount -= take
                if take == chunk.count {
                    chunks.append(chunk)
                    continue
                }
                if take > 0 { chunks.append(chunk.removeFirst(lines: take)) }
                buffered.prepend(chunk)
                break
            }
            buffers[partition] = buffered
        }
        return chunks
    }

    public func run() async throws(StreamError) {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let member {
                    group.addTask {
                        try await member.run { partitions, generation in
                            await self.consumer.setGeneration(generation)
                            await self.reassign(partitions)
                        }
                    }
                }
                group.addTask { try await self.prefetch() }
                try await group.next()
                group.cancelAll()
            }
        } catch is CancellationError {
        } catch let error as StreamError {
            throw error
        } catch {
            throw .source("\(error)")
        }
    }

    private func reassign(_ partitions: [TopicPartition]) {
        let current = Set(starts.keys.map { TopicPartition(topic: $0.topic, partition: $0.partition) })
        if Set(partitions) != current { pendingAssignment = partitions }
    }

    private func prefetch() async throws {
        while !Task.isCancelled {
            guard bufferedCount < configuration.maxBufferedRecords, !starts.isEmpty, pendingAssignment == nil else {
                try await Task.sleep(for: .milliseconds(2))
                continue
            }
            let fetched: [FetchedBatches]
            do {
                fetched = try await consumer.pollBatches(timeout: configuration.fetchMaxWait)
            } catch {
                if Task.isCancelled { return }
                logger.warning("fetch failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            for batches in fetched {
                let key = SourcePartition(topic: batches.partition.topic, partition: batches.partition.partition)
                guard starts[key] != nil else { continue }
                try add(batches, to: key)
            }
            for partition in starts.keys {
                if let position = try? await consumer.position(
                    of: TopicPartition(topic: partition.topic, partition: partition.partition))
                {
                    positions[partition] = max(positions[partition] ?? position, position)
                }
            }
        }
    }

    /// Decodes the values of fetched batches straight into the partition's chunks. A batch whose
    /// records cannot be decoded (its CRC matched, so the producer wrote it so) stops the stream:
    /// skipping it would lose records silently.
    private func add(_ batches: FetchedBatches, to partition: SourcePartition) throws(StreamError) {
        var chunks = buffers.removeValue(forKey: partition) ?? Deque()
        var tail = chunks.popLast() ?? SourceChunk(partition: partition)
        let pieceRecords = configuration.pieceRecords
        var added = 0
        do {
            try batches.forEachRecord { offset, record in
                if tail.count >= pieceRecords {
                    chunks.append(tail)
                    tail = SourceChunk(partition: partition)
                }
                tail.append(offset: offset, value: record.value ?? UnsafeRawBufferPointer(start: nil, count: 0))
                added += 1
            }
        } catch {
            throw .source(
                "partition \(partition.partition): records from offset \(batches.fromOffset) cannot be read: \(error)")
        }
        if tail.count > 0 { chunks.append(tail) }
        buffers[partition] = chunks
        bufferedCount += added
        positions[partition] = max(positions[partition] ?? batches.nextOffset, batches.nextOffset)
    }

    public func committed(_ ends: [SourcePartition: Int64]) async {
        guard let member else { return }
        var offsets: [TopicPartition: Int64] = [:]
        for (partition, end) in ends {
            offsets[TopicPartition(topic: partition.topic, partition: partition.partition)] = end
        }
        do { try await member.commit(offsets: offsets) } catch {
            logger.warning("group commit failed", metadata: ["error": "\(error)"])
        }
    }

    public func close() async {
        await consumer.close()
    }
}
