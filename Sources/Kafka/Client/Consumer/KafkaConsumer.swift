import Logging
import NIOCore
import NIOPosix

/// Reads records from explicitly assigned partitions (`assign`) with `poll`, and commits offsets for
/// a group when `groupId` is set. Positions are per partition; a poll returns records in offset
/// order per partition.
package actor KafkaConsumer {
    package let configuration: KafkaConsumerConfiguration
    private let cluster: KafkaClusterClient
    private let logger: Logger
    /// Next offset to return per assigned partition; nil while the start offset is being resolved.
    private var positions: [TopicPartition: Int64] = [:]
    /// Start offsets not resolved yet.
    private var pendingStarts: [TopicPartition: StartOffset] = [:]
    /// Next offset to fetch (after what is buffered).
    private var fetchPositions: [TopicPartition: Int64] = [:]
    /// Fetched records not returned yet, per partition.
    private var buffered: [TopicPartition: ArraySlice<ConsumerRecord>] = [:]
    /// Fetched batches not returned yet (`pollBatches`), per partition.
    private var bufferedBatches: [TopicPartition: FetchedBatches] = [:]
    /// The generation commits are made in (set by a `GroupMember`); `.none` for manual assignment.
    package private(set) var generation = GroupGeneration.none
    private var isClosed = false

    package init(
        configuration: KafkaConsumerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "souk.kafka.consumer")
    ) {
        self.configuration = configuration
        self.logger = logger
        self.cluster = KafkaClusterClient(
            configuration: configuration.client, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// The cluster client this consumer uses (for a `GroupMember` that shares its connections).
    package nonisolated var clusterClient: KafkaClusterClient { cluster }

    // MARK: - Assignment and positions

    /// Replaces the assignment; each partition starts where its `StartOffset` says (resolved on the
    /// next `poll`, or now by `position(of:)`).
    package func assign(_ assignment: [TopicPartition: StartOffset]) {
        positions = [:]
        fetchPositions = [:]
        buffered = [:]
        bufferedBatches = [:]
        pendingStarts = assignment
    }

    /// The assigned partitions.
    package var assignment: Set<TopicPartition> { Set(positions.keys).union(pendingStarts.keys) }

    /// Moves a partition's position; buffered records are dropped.
    package func seek(_ partition: TopicPartition, to offset: Int64) throws(KafkaClientError) {
        guard assignment.contains(partition) else { throw .notAssigned(partition) }
        pendingStarts[partition] = nil
        positions[partition] = offset
        fetchPositions[partition] = offset
        buffered[partition] = nil
        bufferedBatches[partition] = nil
    }

    /// The next offset `poll` returns for `partition`.
    package func position(of partition: TopicPartition) async throws(KafkaClientError) -> Int64 {
        guard assignment.contains(partition) else { throw .notAssigned(partition) }
        try await resolveStarts()
        guard let position = positions[partition] else { throw .notAssigned(partition) }
        return position
    }

    /// Sets the generation used for commits (a `GroupMember` calls this after each rebalance).
    package func setGeneration(_ generation: GroupGeneration) {
        self.generation = generation
    }

    // MARK: - Polling

    /// Returns up to `maxRecords` records from the assigned partitions, waiting up to `timeout` for
    /// some to arrive; an empty array when none did. Retriable errors (a broker restart, a leader
    /// move) are retried within the timeout.
    package func poll(maxRecords: Int = 500, timeout: Duration = .seconds(1)) async throws(KafkaClientError)
        -> [ConsumerRecord]
    {
        try await fetchUntilReady(timeout: timeout, decode: true) { consumer in
            let ready = consumer.takeBuffered(maxRecords)
            return ready.isEmpty ? nil : ready
        } ?? []
    }

    /// Like `poll`, but returns the fetched record batches undecoded, per partition: for readers
    /// that decode values straight into a layout of their own (`RecordBatch.forEachRecord`). Each
    /// partition's position moves past what is returned.
    package func pollBatches(timeout: Duration = .seconds(1)) async throws(KafkaClientError) -> [FetchedBatches] {
        try await fetchUntilReady(timeout: timeout, decode: false) { consumer in
            guard !consumer.bufferedBatches.isEmpty else { return nil }
            let ready = consumer.bufferedBatches.values.sorted { $0.partition < $1.partition }
            consumer.bufferedBatches = [:]
            for fetched in ready { consumer.positions[fetched.partition] = fetched.nextOffset }
            return ready
        } ?? []
    }

    /// Fetches until `take` finds something buffered or `timeout` passes (nil then). Retriable errors
    /// (a broker restart, a leader move) are retried within the timeout.
    private func fetchUntilReady<Ready>(
        timeout: Duration, decode: Bool, _ take: (isolated KafkaConsumer) -> Ready?
    ) async throws(KafkaClientError) -> Ready? {
        guard !isClosed else { throw .closed }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let ready = take(self) { return ready }
            let remaining = deadline - clock.now
            guard remaining > .zero, !assignment.isEmpty else { return nil }
            do throws(KafkaClientError) {
                try await resolveStarts()
                try await fetch(maxWait: min(configuration.fetchMaxWait, remaining), decode: decode)
            } catch {
                guard error.isRetriable else { throw error }
                logger.debug("fetch failed; retrying", metadata: ["error": "\(error)"])
                let pause = min(configuration.retryBackoff, max(.zero, deadline - clock.now))
                do { try await Task.sleep(for: pause) } catch { throw .closed }
            }
        }
    }

    private func takeBuffered(_ maxRecords: Int) -> [ConsumerRecord] {
        var out: [ConsumerRecord] = []
        for partition in buffered.keys.sorted() where out.count < maxRecords {
            guard var records = buffered[partition], !records.isEmpty else { continue }
            let taken = records.prefix(maxRecords - out.count)
            out.append(contentsOf: taken)
            records = records.dropFirst(taken.count)
            if let last = taken.last { positions[partition] = last.offset + 1 }
            if records.isEmpty {
                buffered[partition] = nil
                if let next = fetchPositions[partition] { positions[partition] = next }
            } else {
                buffered[partition] = records
            }
        }
        return out
    }

    /// Resolves `.earliest`, `.latest` and `.committed` starts.
    private func resolveStarts() async throws(KafkaClientError) {
        guard !pendingStarts.isEmpty else { return }
        var resolved: [TopicPartition: Int64] = [:]
        var committedNeeded: [TopicPartition] = []
        var earliest: [TopicPartition] = []
        var latest: [TopicPartition] = []
        for (partition, start) in pendingStarts {
            switch start {
            case .offset(let offset): resolved[partition] = offset
            case .earliest: earliest.append(partition)
            case .latest: latest.append(partition)
            case .committed: committedNeeded.append(partition)
            }
        }
        if !committedNeeded.isEmpty {
            let committed = try await self.committed(committedNeeded)
            for partition in committedNeeded {
                if let offset = committed[partition] {
                    resolved[partition] = offset
                } else {
                    switch configuration.autoOffsetReset {
                    case .earliest: earliest.append(partition)
                    case .latest: latest.append(partition)
                    case .none: throw .offsetOutOfRange(partition, offset: -1)
                    }
                }
            }
        }
        if !earliest.isEmpty { resolved.merge(try await beginningOffsets(earliest)) { $1 } }
        if !latest.isEmpty { resolved.merge(try await endOffsets(latest)) { $1 } }
        for (partition, offset) in resolved where pendingStarts[partition] != nil {
            pendingStarts[partition] = nil
            positions[partition] = offset
            fetchPositions[partition] = offset
        }
    }

    /// One fetch round: a Fetch request per leader for partitions with nothing buffered.
    private func fetch(maxWait: Duration, decode: Bool) async throws(KafkaClientError) {
        var byLeader: [Int32: [TopicPartition: Int64]] = [:]
        for (partition, offset) in fetchPositions where buffered[partition] == nil && bufferedBatches[partition] == nil
        {
            byLeader[try await cluster.leader(for: partition), default: [:]][partition] = offset
        }
        guard !byLeader.isEmpty else { return }
        let configuration = configuration
        let cluster = cluster
        let results = await withTaskGroup(of: Result<FetchResponse, KafkaClientError>.self) { group in
            for (leader, partitions) in byLeader {
                var topics: [String: [FetchRequest.FetchPartition]] = [:]
                for (partition, offset) in partitions.sorted(by: { $0.key < $1.key }) {
                    topics[partition.topic, default: []].append(
                        .init(
                            partition: partition.partition, fetchOffset: offset,
                            partitionMaxBytes: configuration.maxPartitionFetchBytes))
                }
                let request = FetchRequest(
                    maxWaitMs: maxWait.milliseconds32, minBytes: configuration.fetchMinBytes,
                    maxBytes: configuration.fetchMaxBytes,
                    topics: topics.sorted { $0.key < $1.key }.map { .init(topic: $0.key, partitions: $0.value) })
                group.addTask {
                    do throws(KafkaClientError) {
                        return .success(
                            try await cluster.send(
                                request, toNode: leader, timeout: configuration.client.requestTimeout + maxWait))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var results: [Result<FetchResponse, KafkaClientError>] = []
            for await result in group { results.append(result) }
            return results
        }
        var firstError: KafkaClientError?
        for result in results {
            switch result {
            case .success(let response): try await absorb(response, decode: decode)
            case .failure(let error): firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
    }

    /// Buffers a fetch response's records and handles per-partition errors.
    private func absorb(_ response: FetchResponse, decode: Bool) async throws(KafkaClientError) {
        let topLevel = ErrorCode(rawValue: response.errorCode)
        guard topLevel == .none else { throw .broker(topLevel, api: .fetch, context: "") }
        for topic in response.responses {
            for data in topic.partitions {
                let partition = TopicPartition(topic: topic.topic, partition: data.partitionIndex)
                guard let offset = fetchPositions[partition], buffered[partition] == nil,
                    bufferedBatches[partition] == nil
                else { continue }
                let code = ErrorCode(rawValue: data.errorCode)
                switch code {
                case .none where !decode:
                    guard let bytes = data.records else { continue }
                    let fetched: FetchedBatches
                    do { fetched = try FetchedBatches(bytes, partition: partition, fetchOffset: offset) } catch {
                        throw .wire(error)
                    }
                    fetchPositions[partition] = fetched.nextOffset
                    if fetched.batches.isEmpty {
                        positions[partition] = fetched.nextOffset
                    } else {
                        bufferedBatches[partition] = fetched
                    }
                case .none:
                    guard let bytes = data.records else { continue }
                    let decoded: (records: [ConsumerRecord], nextOffset: Int64)
                    do {
                        decoded = try FetchedRecords.decode(
                            bytes, partition: partition, fetchOffset: offset,
                            maxUncompressedBytes: configuration.maxUncompressedBatchBytes)
                    } catch { throw .wire(error) }
                    fetchPositions[partition] = decoded.nextOffset
                    if decoded.records.isEmpty {
                        positions[partition] = decoded.nextOffset
                    } else {
                        buffered[partition] = decoded.records[...]
                    }
                case .offsetOutOfRange:
                    try await reset(partition, from: offset)
                default:
                    if code.invalidatesMetadata { await cluster.invalidateMetadata(topics: [partition.topic]) }
                    guard code.isRetriable else {
                        throw .broker(code, api: .fetch, context: "\(partition)")
                    }
                }
            }
        }
    }

    private func reset(_ partition: TopicPartition, from offset: Int64) async throws(KafkaClientError) {
        let target: [TopicPartition: Int64]
        switch configuration.autoOffsetReset {
        case .earliest: target = try await beginningOffsets([partition])
        case .latest: target = try await endOffsets([partition])
        case .none: throw .offsetOutOfRange(partition, offset: offset)
        }
        guard let newOffset = target[partition] else { throw .offsetOutOfRange(partition, offset: offset) }
        logger.info(
            "offset out of range; reset",
            metadata: ["kafka.partition": "\(partition)", "from": "\(offset)", "to": "\(newOffset)"])
        positions[partition] = newOffset
        fetchPositions[partition] = newOffset
    }

    // MARK: - Offsets

    /// The first offset still in each partition's log (ListOffsets, timestamp -2).
    package func beginningOffsets(_ partitions: [TopicPartition]) async throws(KafkaClientError)
        -> [TopicPartition: Int64]
    {
        try await listOffsets(partitions, timestamp: -2)
    }

    /// The offset after the last record of each partition (ListOffsets, timestamp -1): the high watermark.
    package func endOffsets(_ partitions: [TopicPartition]) async throws(KafkaClientError) -> [TopicPartition: Int64] {
        try await listOffsets(partitions, timestamp: -1)
    }

    /// ListOffsets for `timestamp` (-2 earliest, -1 latest, else the first offset with a timestamp at
    /// or after it), one request per leader, retrying retriable errors within the request timeout.
    package func listOffsets(_ partitions: [TopicPartition], timestamp: Int64) async throws(KafkaClientError)
        -> [TopicPartition: Int64]
    {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.client.requestTimeout
        var result: [TopicPartition: Int64] = [:]
        var remaining = Set(partitions)
        while !remaining.isEmpty {
            var lastError: KafkaClientError?
            do throws(KafkaClientError) {
                var byLeader: [Int32: [TopicPartition]] = [:]
                for partition in remaining {
                    byLeader[try await cluster.leader(for: partition), default: []].append(partition)
                }
                for (leader, partitions) in byLeader {
                    var topics: [String: [ListOffsetsRequest.ListOffsetsPartition]] = [:]
                    for partition in partitions {
                        topics[partition.topic, default: []].append(
                            .init(partitionIndex: partition.partition, timestamp: timestamp))
                    }
                    let request = ListOffsetsRequest(
                        replicaId: -1, topics: topics.map { .init(name: $0.key, partitions: $0.value) })
                    let response = try await cluster.send(request, toNode: leader)
                    for topic in response.topics {
                        for answer in topic.partitions {
                            let partition = TopicPartition(topic: topic.name, partition: answer.partitionIndex)
                            let code = ErrorCode(rawValue: answer.errorCode)
                            if code == .none {
                                result[partition] = answer.offset
                                remaining.remove(partition)
                            } else if code.isRetriable {
                                if code.invalidatesMetadata { await cluster.invalidateMetadata(topics: [topic.name]) }
                                lastError = .broker(code, api: .listOffsets, context: "\(partition)")
                            } else {
                                throw .broker(code, api: .listOffsets, context: "\(partition)")
                            }
                        }
                    }
                }
            } catch {
                guard error.isRetriable else { throw error }
                lastError = error
            }
            if !remaining.isEmpty {
                guard clock.now < deadline else {
                    throw lastError ?? .requestTimedOut(api: .listOffsets, after: configuration.client.requestTimeout)
                }
                do { try await Task.sleep(for: configuration.retryBackoff) } catch { throw .closed }
            }
        }
        return result
    }

    /// Commits `offsets` (the next offset to read, per partition) for the group, in the current generation.
    package func commit(offsets: [TopicPartition: Int64]) async throws(KafkaClientError) {
        guard let groupId = configuration.groupId else { throw .noGroupId }
        var topics: [String: [OffsetCommitRequest.OffsetCommitRequestPartition]] = [:]
        for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
            topics[partition.topic, default: []].append(
                .init(partitionIndex: partition.partition, committedOffset: offset, committedLeaderEpoch: -1))
        }
        let request = OffsetCommitRequest(
            groupId: groupId, generationIdOrMemberEpoch: generation.generationId, memberId: generation.memberId,
            retentionTimeMs: -1,
            topics: topics.sorted { $0.key < $1.key }.map { .init(name: $0.key, partitions: $0.value) })
        let coordinator = try await cluster.coordinator(for: groupId)
        let response = try await cluster.send(request, over: coordinator)
        for topic in response.topics {
            for partition in topic.partitions where partition.errorCode != 0 {
                throw .broker(
                    ErrorCode(rawValue: partition.errorCode), api: .offsetCommit,
                    context: "\(topic.name)-\(partition.partitionIndex)")
            }
        }
    }

    /// Commits the current positions of every assigned partition.
    package func commit() async throws(KafkaClientError) {
        try await commit(offsets: positions)
    }

    /// The group's committed offsets for `partitions`; partitions without a commit are absent.
    package func committed(_ partitions: [TopicPartition]) async throws(KafkaClientError) -> [TopicPartition: Int64] {
        guard let groupId = configuration.groupId else { throw .noGroupId }
        var topics: [String: [Int32]] = [:]
        for partition in partitions { topics[partition.topic, default: []].append(partition.partition) }
        let request = OffsetFetchRequest(
            groupId: groupId,
            topics: topics.sorted { $0.key < $1.key }.map { .init(name: $0.key, partitionIndexes: $0.value) })
        let coordinator = try await cluster.coordinator(for: groupId)
        let response = try await cluster.send(request, over: coordinator)
        let code = ErrorCode(rawValue: response.errorCode)
        guard code == .none else { throw .broker(code, api: .offsetFetch, context: groupId) }
        var result: [TopicPartition: Int64] = [:]
        for topic in response.topics {
            for partition in topic.partitions {
                let code = ErrorCode(rawValue: partition.errorCode)
                guard code == .none else { throw .broker(code, api: .offsetFetch, context: topic.name) }
                if partition.committedOffset >= 0 {
                    result[TopicPartition(topic: topic.name, partition: partition.partitionIndex)] =
                        partition.committedOffset
                }
            }
        }
        return result
    }

    /// Closes the consumer's connections; later polls throw `.closed`.
    package func close() async {
        isClosed = true
        await cluster.close()
    }
}
