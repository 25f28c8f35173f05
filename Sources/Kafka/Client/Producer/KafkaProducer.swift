import Logging
import NIOCore
import NIOPosix
import Storage

/// Writes records to Kafka. Records are accumulated into one batch per partition and sent by
/// `run()`, which the owner runs in its task group (or service group) for the producer's lifetime:
///
/// ```swift
/// let producer = try KafkaProducer(configuration: configuration, logger: logger)
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await producer.run() }
///     let metadata = try await producer.send(topic: "orders", key: key, value: value)
///     try await producer.close()   // flushes; run() returns
/// }
/// ```
package final class KafkaProducer: Sendable {
    private struct Pending: Sendable {
        var topic: String
        var partition: Int32?
        var record: PendingRecord
    }

    private struct State: Sendable {
        var accumulator: RecordAccumulator
        var partitionCounts: [String: Int] = [:]
        var roundRobin: [String: Int] = [:]
        /// Records whose topic's partition count is not known yet.
        var unresolved: [Pending] = []
        var flushWaiters: [CheckedContinuation<Void, Never>] = []
        var failuresSinceFlush = 0
        /// Records the broker acknowledged, and records that failed for good, since the start.
        var acknowledged = 0
        var failed = 0
        var firstFailure: String?
        var closing = false
        var stopped = false

        var outstanding: Int { accumulator.recordCount + unresolved.count }
    }

    package let configuration: KafkaProducerConfiguration
    private let cluster: KafkaClusterClient
    private let logger: Logger
    private let state: Locked<State>
    private let wakeup = WakeupSignal()

    /// Creates a producer; nothing is sent until `run()` runs. Throws `.invalidConfiguration` for
    /// idempotence without acks=all.
    package init(
        configuration: KafkaProducerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "souk.kafka.producer")
    ) throws(KafkaClientError) {
        if configuration.idempotent && configuration.acks != .all {
            throw .invalidConfiguration("an idempotent producer needs acks = all")
        }
        guard configuration.batchSize > 0 else { throw .invalidConfiguration("batchSize must be positive") }
        self.configuration = configuration
        self.logger = logger
        self.cluster = KafkaClusterClient(
            configuration: configuration.client, eventLoopGroup: eventLoopGroup, logger: logger)
        self.state = Locked(
            State(accumulator: RecordAccumulator(batchSize: configuration.batchSize, linger: configuration.linger)))
    }

    /// Records acknowledged by the broker and records that failed for good (retries exhausted, delivery
    /// timed out, or still waiting at shutdown), since the producer started.
    package var deliveries: (acknowledged: Int, failed: Int) {
        state.withLock { ($0.acknowledged, $0.failed) }
    }

    // MARK: - Sending

    /// Sends one record and waits until the broker acknowledged it (or it failed for good).
    /// `partition` nil picks murmur2 of the key, or round-robin for a nil key; `timestamp` is in
    /// milliseconds since the epoch (default: now).
    package func send(
        topic: String, partition: Int32? = nil, key: ByteBuffer? = nil, value: ByteBuffer?,
        headers: [RecordHeader] = [], timestamp: Int64? = nil
    ) async throws -> RecordMetadata {
        try await withCheckedThrowingContinuation { continuation in
            let record = PendingRecord(
                key: key, value: value, headers: headers, timestamp: timestamp ?? currentTimeMillis(),
                completion: continuation)
            do {
                try add(Pending(topic: topic, partition: partition, record: record), checkingBuffer: false)
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Queues one record without waiting for it; failures are reported by the next `flush()`, or to
    /// `onDelivery` when given (which then also hears of every acknowledgement).
    /// Throws `.queueFull` when `bufferMemory` bytes are waiting already, `.closed` after `close()`.
    package func enqueue(
        topic: String, partition: Int32? = nil, key: ByteBuffer? = nil, value: ByteBuffer?,
        headers: [RecordHeader] = [], timestamp: Int64? = nil, onDelivery: PendingRecord.DeliveryReport? = nil
    ) throws(KafkaClientError) {
        let record = PendingRecord(
            key: key, value: value, headers: headers, timestamp: timestamp ?? currentTimeMillis(),
            onDelivery: onDelivery)
        try add(Pending(topic: topic, partition: partition, record: record), checkingBuffer: true)
    }

    private func add(_ pending: Pending, checkingBuffer: Bool) throws(KafkaClientError) {
        let now = ContinuousClock.now
        let limit = configuration.bufferMemory
        let result = state.withLock { state -> Result<Bool, KafkaClientError> in
            if state.closing || state.stopped { return .failure(.closed) }
            if checkingBuffer && state.accumulator.bufferedBytes >= limit { return .failure(.queueFull(limit: limit)) }
            guard let count = state.partitionCounts[pending.topic] else {
                state.unresolved.append(pending)
                return .success(true)
            }
            return Self.place(pending, partitionCount: count, state: &state, now: now)
        }
        switch result {
        case .success(let wake): if wake { wakeup.signal() }
        case .failure(let error): throw error
        }
    }

    /// Chooses the partition and appends to its batch.
    private static func place(_ pending: Pending, partitionCount: Int, state: inout State, now: ContinuousClock.Instant)
        -> Result<Bool, KafkaClientError>
    {
        let partition: Int32
        if let explicit = pending.partition {
            guard explicit >= 0, Int(explicit) < partitionCount else {
                return .failure(.unknownTopicOrPartition(TopicPartition(topic: pending.topic, partition: explicit)))
            }
            partition = explicit
        } else if let key = pending.record.key {
            partition = Murmur2Partitioner.partition(forKey: key, partitionCount: partitionCount)
        } else {
            let next = state.roundRobin[pending.topic, default: 0]
            state.roundRobin[pending.topic] = next &+ 1
            partition = Int32(next % partitionCount)
        }
        let wake = state.accumulator.append(
            pending.record, to: TopicPartition(topic: pending.topic, partition: partition), now: now)
        return .success(wake)
    }

    /// Sends everything queued now (ignoring the linger) and waits until every record is acknowledged
    /// or failed. Throws `.deliveryFailed` when `enqueue`d records failed since the last flush.
    package func flush() async throws(KafkaClientError) {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.outstanding == 0 || state.stopped { return true }
                state.flushWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() } else { wakeup.signal() }
        }
        let (count, first) = state.withLock { state in
            defer {
                state.failuresSinceFlush = 0
                state.firstFailure = nil
            }
            return (state.failuresSinceFlush, state.firstFailure)
        }
        if count > 0 { throw .deliveryFailed(count: count, first: first ?? "unknown") }
        if state.withLock({ $0.stopped && $0.outstanding > 0 }) { throw .closed }
    }

    /// Flushes, then stops `run()` and closes the connections.
    package func close() async throws(KafkaClientError) {
        let flushResult: Result<Void, KafkaClientError>
        do {
            try await flush()
            flushResult = .success(())
        } catch { flushResult = .failure(error) }
        state.withLock { $0.closing = true }
        wakeup.signal()
        try flushResult.get()
    }

    // MARK: - Sender

    /// Sends batches until `close()` (after the flush) or cancellation; on cancellation records still
    /// waiting fail with `.closed`. Throws only if the idempotent producer id cannot be obtained.
    package func run() async throws {
        do {
            try await sendUntilClosed()
        } catch {
            shutDown()
            await cluster.close()
            throw error
        }
        shutDown()
        await cluster.close()
    }

    private func sendUntilClosed() async throws {
        var identity: (id: Int64, epoch: Int16) = (-1, -1)
        if configuration.idempotent {
            identity = try await initProducerId()
            logger.debug("producer id", metadata: ["kafka.producer_id": "\(identity.id)"])
        }
        let clock = ContinuousClock()
        while !Task.isCancelled {
            await resolveTopics()
            let now = clock.now
            let (batches, finished, nextReady, waitingTopics) = state.withLock { state in
                let flushing = !state.flushWaiters.isEmpty || state.closing
                let batches = state.accumulator.drain(
                    now: now, flushing: flushing, idempotent: configuration.idempotent)
                return (
                    batches, state.closing && state.outstanding == 0, state.accumulator.nextReadyTime(),
                    !state.unresolved.isEmpty
                )
            }
            if finished { break }
            if batches.isEmpty {
                var deadline = nextReady ?? now + .seconds(1)
                if waitingTopics { deadline = min(deadline, now + configuration.retryBackoff) }
                await wakeup.wait(until: deadline)
                continue
            }
            await send(batches, identity: identity)
        }
    }

    /// Asks any broker for an idempotent producer id, retrying retriable errors.
    private func initProducerId() async throws -> (id: Int64, epoch: Int16) {
        let backoff = Backoff(initial: configuration.retryBackoff, maximum: .seconds(1))
        let deadline = ContinuousClock.now + configuration.deliveryTimeout
        var attempt = 0
        while true {
            do throws(KafkaClientError) {
                let response = try await cluster.sendToAnyBroker(
                    InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 60_000))
                let code = ErrorCode(rawValue: response.errorCode)
                guard code == .none else { throw .broker(code, api: .initProducerId, context: "") }
                return (response.producerId, response.producerEpoch)
            } catch {
                guard error.isRetriable, ContinuousClock.now < deadline else { throw error }
                logger.debug("InitProducerId failed; retrying", metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: backoff.delay(attempt: attempt))
            attempt += 1
        }
    }

    /// Looks up partition counts of topics that records wait for, then places those records.
    private func resolveTopics() async {
        let topics = state.withLock { Set($0.unresolved.map(\.topic)) }
        for topic in topics.sorted() {
            do throws(KafkaClientError) {
                let metadata = try await cluster.topic(topic)
                let now = ContinuousClock.now
                let failed = state.withLock { state -> [(PendingRecord, KafkaClientError)] in
                    state.partitionCounts[topic] = metadata.partitionCount
                    var failed: [(PendingRecord, KafkaClientError)] = []
                    var remaining: [Pending] = []
                    for pending in state.unresolved {
                        guard pending.topic == topic else {
                            remaining.append(pending)
                            continue
                        }
                        if case .failure(let error) = Self.place(
                            pending, partitionCount: metadata.partitionCount, state: &state, now: now)
                        {
                            failed.append((pending.record, error))
                        }
                    }
                    state.unresolved = remaining
                    return failed
                }
                for (record, error) in failed { fail([record], with: error) }
            } catch {
                if error.isRetriable { continue }
                let failed = state.withLock { state -> [PendingRecord] in
                    let records = state.unresolved.filter { $0.topic == topic }.map(\.record)
                    state.unresolved.removeAll { $0.topic == topic }
                    return records
                }
                fail(failed, with: error)
            }
        }
    }

    /// Sends the drained batches, one Produce request per leader, concurrently.
    private func send(_ batches: [ProducerBatch], identity: (id: Int64, epoch: Int16)) async {
        var byLeader: [Int32: [ProducerBatch]] = [:]
        for batch in batches {
            do throws(KafkaClientError) {
                byLeader[try await cluster.leader(for: batch.partition), default: []].append(batch)
            } catch {
                handle(batch, error: error)
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for (leader, batches) in byLeader {
                group.addTask { await self.send(batches, to: leader, identity: identity) }
            }
        }
    }

    private func send(_ batches: [ProducerBatch], to leader: Int32, identity: (id: Int64, epoch: Int16)) async {
        var byTopic: [String: [ProduceRequest.PartitionProduceData]] = [:]
        var sent: [ProducerBatch] = []
        for batch in batches {
            do {
                let built = try batch.build(
                    compression: configuration.compression, producerId: identity.id, producerEpoch: identity.epoch)
                byTopic[batch.partition.topic, default: []].append(
                    .init(index: batch.partition.partition, records: built.bytes))
                sent.append(batch)
            } catch {
                finish(batch, result: .failure(.wire(error)))
            }
        }
        guard !sent.isEmpty else { return }
        let request = ProduceRequest(
            transactionalId: nil, acks: configuration.acks.rawValue,
            timeoutMs: configuration.produceTimeout.milliseconds32,
            topicData: byTopic.sorted { $0.key < $1.key }.map { .init(name: $0.key, partitionData: $0.value) })
        do throws(KafkaClientError) {
            let connection = try await cluster.connection(toNode: leader)
            if configuration.acks == .none {
                try await connection.sendWithoutResponse(request)
                for batch in sent { finish(batch, result: .success(-1)) }
                return
            }
            let response = try await cluster.send(
                request, over: connection, timeout: configuration.client.requestTimeout + configuration.produceTimeout)
            var answers: [TopicPartition: ProduceResponse.PartitionProduceResponse] = [:]
            for topic in response.responses {
                for partition in topic.partitionResponses {
                    answers[TopicPartition(topic: topic.name, partition: partition.index)] = partition
                }
            }
            for batch in sent {
                guard let answer = answers[batch.partition] else {
                    handle(
                        batch,
                        error: .broker(.unknownServerError, api: .produce, context: "no answer for \(batch.partition)"))
                    continue
                }
                let code = ErrorCode(rawValue: answer.errorCode)
                switch code {
                case .none: finish(batch, result: .success(answer.baseOffset))
                // A retry of a batch the broker already has: delivered, at an offset it may not repeat.
                case .duplicateSequenceNumber: finish(batch, result: .success(answer.baseOffset))
                default:
                    handle(
                        batch, error: .broker(code, api: .produce, context: answer.errorMessage ?? "\(batch.partition)")
                    )
                }
            }
        } catch {
            for batch in sent { handle(batch, error: error) }
        }
    }

    /// Retries a retriable failure within the delivery timeout; fails the batch otherwise.
    private func handle(_ batch: ProducerBatch, error: KafkaClientError) {
        let now = ContinuousClock.now
        guard error.isRetriable else {
            finish(batch, result: .failure(error))
            return
        }
        guard now < batch.createdAt + configuration.deliveryTimeout else {
            finish(batch, result: .failure(.deliveryTimedOut(lastError: "\(error)")))
            return
        }
        logger.debug(
            "produce failed; retrying",
            metadata: ["kafka.partition": "\(batch.partition)", "error": "\(error)", "attempt": "\(batch.attempts)"])
        let delay = Backoff(initial: configuration.retryBackoff, maximum: .seconds(1)).delay(
            attempt: batch.attempts - 1)
        let partition = batch.partition
        state.withLock { $0.accumulator.retry(partition, at: now + delay) }
    }

    /// Completes a batch's records with offsets or an error.
    private func finish(_ batch: ProducerBatch, result: Result<Int64, KafkaClientError>) {
        let partition = batch.partition
        let (completed, waiters) = state.withLock { state -> (ProducerBatch?, [CheckedContinuation<Void, Never>]) in
            let completed = state.accumulator.complete(partition)
            switch result {
            case .success: state.acknowledged += completed?.records.count ?? 0
            case .failure: state.failed += completed?.records.count ?? 0
            }
            if case .failure(let error) = result, let completed {
                let unawaited = completed.records.filter { !$0.isAwaited }.count
                if unawaited > 0 {
                    state.failuresSinceFlush += unawaited
                    if state.firstFailure == nil { state.firstFailure = "\(error)" }
                }
            }
            var waiters: [CheckedContinuation<Void, Never>] = []
            if state.outstanding == 0 { swap(&waiters, &state.flushWaiters) }
            return (completed, waiters)
        }
        if let completed {
            for (index, record) in completed.records.enumerated() {
                record.report(
                    result.map { baseOffset in
                        RecordMetadata(
                            topic: partition.topic, partition: partition.partition,
                            offset: baseOffset >= 0 ? baseOffset + Int64(index) : -1, timestamp: record.timestamp)
                    })
            }
        }
        for waiter in waiters { waiter.resume() }
    }

    private func fail(_ records: [PendingRecord], with error: KafkaClientError) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.failed += records.count
            let unawaited = records.filter { !$0.isAwaited }.count
            if unawaited > 0 {
                state.failuresSinceFlush += unawaited
                if state.firstFailure == nil { state.firstFailure = "\(error)" }
            }
            var waiters: [CheckedContinuation<Void, Never>] = []
            if state.outstanding == 0 { swap(&waiters, &state.flushWaiters) }
            return waiters
        }
        for record in records { record.report(.failure(error)) }
        for waiter in waiters { waiter.resume() }
    }

    /// Fails whatever is still waiting, wakes flushers and closes the connections.
    private func shutDown() {
        let (batches, unresolved, waiters) = state.withLock { state in
            state.stopped = true
            let batches = state.accumulator.removeAll()
            let unresolved = state.unresolved.map(\.record)
            state.unresolved = []
            var waiters: [CheckedContinuation<Void, Never>] = []
            swap(&waiters, &state.flushWaiters)
            return (batches, unresolved, waiters)
        }
        let records = batches.flatMap(\.records) + unresolved
        if !records.isEmpty { fail(records, with: .closed) }
        for waiter in waiters { waiter.resume() }
    }
}
