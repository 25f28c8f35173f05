import Engine
import Foundation
import Kafka
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Storage
import Synchronization

/// Sends generated transactions to a topic at a steady rate with Souk's Kafka producer, until a count
/// is reached, the task is cancelled or the service group shuts down gracefully (then what was
/// generated is still delivered). As a `Service` it runs beside the broker and the stream in
/// `souk demo`; `souk produce` runs it alone.
package final class TransactionFeed: Service, Sendable {
    /// What the records are keyed by.
    package enum Key: String, Sendable, CaseIterable {
        /// No key, as the original producer sent them: the producer spreads records round-robin.
        case none
        /// The user id: one user's transactions stay in one partition, in order.
        case userID = "user_id"
    }

    package struct Configuration: Sendable {
        /// The producer (bootstrap, acks, codec…).
        package var producer: KafkaProducerConfiguration
        package var topic = "ecommerce-transactions"
        /// Records per second; 0 sends as fast as the producer accepts them. Default: 1,000.
        package var rate = 1_000
        /// Records to send; nil sends until stopped.
        package var count: Int?
        /// Seed of the generator; nil draws a fresh one, so ids never repeat across runs.
        package var seed: UInt64?
        /// Default: no key.
        package var key = Key.none
        /// Stop after this long (the count, when set, may stop it first); nil: no time limit.
        package var duration: Duration?
        /// How the rate and the category and city mixes move over time. Default: flat.
        package var shape = TrafficShape.flat
        /// The fraction of records stamped older than the watermark allows (2 to 10 minutes in the past).
        package var lateFraction = 0.0
        /// The fraction of records that are not valid transactions: broken JSON, a missing field or a
        /// value of the wrong type, in turn.
        package var malformedFraction = 0.0

        package init(producer: KafkaProducerConfiguration) {
            self.producer = producer
        }
    }

    package let configuration: Configuration
    private let logger: Logger
    private let ready: @Sendable () async -> Bool
    private let progress: @Sendable (Int) -> Void
    private let generatedCount = Atomic<Int>(0)
    private let lateCount = Atomic<Int>(0)
    private let malformedCount = Atomic<Int>(0)
    private let producer = Locked<KafkaProducer?>(nil)

    /// `ready` is awaited before the first connection (false: stop without sending), e.g. until an
    /// embedded broker listens; `progress` is called with the count every 10,000 records.
    package init(
        configuration: Configuration, logger: Logger, ready: @escaping @Sendable () async -> Bool = { true },
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.ready = ready
        self.progress = progress
    }

    /// Records generated so far (late and malformed ones included); once `run()` returned without an
    /// error, every one of them was delivered.
    package var generated: Int { generatedCount.load(ordering: .relaxed) }
    /// Of `generated`, the records stamped too late for the watermark.
    package var late: Int { lateCount.load(ordering: .relaxed) }
    /// Of `generated`, the records that are not valid transactions.
    package var malformed: Int { malformedCount.load(ordering: .relaxed) }
    /// Records the broker acknowledged, and records that failed for good, so far.
    package var deliveries: (acknowledged: Int, failed: Int) {
        producer.withLock { $0?.deliveries } ?? (0, 0)
    }

    package func run() async throws {
        guard await ready() else { return }
        // Reach the cluster first, so a wrong address fails in seconds rather than at the delivery timeout.
        let probe = KafkaClusterClient(
            configuration: configuration.producer.client, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger)
        do {
            _ = try await probe.refreshMetadata(topics: [configuration.topic])
            await probe.close()
        } catch {
            await probe.close()
            throw error
        }
        let producer = try KafkaProducer(
            configuration: configuration.producer, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger)
        self.producer.withLock { $0 = producer }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            group.addTask {
                do {
                    try await self.generate(into: producer)
                    try await producer.close()
                } catch {
                    try? await producer.close()
                    throw error
                }
            }
            try await group.waitForAll()
        }
    }

    /// Generates and enqueues records until the count or the duration is reached, or the feed stops.
    private func generate(into producer: KafkaProducer) async throws {
        var generator = TransactionGenerator(seed: configuration.seed)
        // Which records are late or malformed is drawn apart from the transactions themselves.
        var faults = configuration.seed.map { Xoshiro256(seed: $0 &+ 0x9E37_79B9_7F4A_7C15) } ?? Xoshiro256()
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = configuration.duration.map { started + $0 }
        let rate = configuration.rate
        let shape = configuration.shape
        // The mix moves slowly: worked out once per tenth of a second, not once per record.
        var mix: (tenth: Int64, weights: TransactionMix?) = (-1, nil)
        var due = started
        var sent = 0
        while configuration.count.map({ sent < $0 }) ?? true {
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            var elapsed = (clock.now - started).inSeconds
            if rate > 0 {
                // The next record is due one interval of the current rate after the previous one.
                if due > clock.now {
                    let wake = min(due, deadline ?? due)
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(until: wake, clock: clock) }
                }
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                elapsed = (due - started).inSeconds
                let factor = max(0.01, shape.rateFactor(at: elapsed))
                due += .nanoseconds(Int64(1e9 / (Double(rate) * factor)))
            }
            if let deadline, clock.now >= deadline { break }
            var micros = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
            let late =
                configuration.lateFraction > 0 && Double.random(in: 0..<1, using: &faults) < configuration.lateFraction
            if late { micros -= Int64.random(in: 120_000_000...600_000_000, using: &faults) }
            let tenth = Int64(elapsed * 10)
            if tenth != mix.tenth { mix = (tenth, shape.mix(at: Double(tenth) / 10)) }
            let transaction = generator.next(timestampMicros: micros, mix: mix.weights)
            var text = transaction.json
            if configuration.malformedFraction > 0,
                Double.random(in: 0..<1, using: &faults) < configuration.malformedFraction
            {
                text = Self.malformed(transaction, kind: malformedCount.wrappingAdd(1, ordering: .relaxed).oldValue)
            } else if late {
                lateCount.wrappingAdd(1, ordering: .relaxed)
            }
            let value = ByteBuffer(string: text)
            let key = configuration.key == .userID ? ByteBuffer(string: transaction.userID) : nil
            // A full buffer means the broker is slower than the feed: wait for room.
            while try !Self.enqueue(
                producer, topic: configuration.topic, key: key, value: value, timestamp: micros / 1000)
            {
                try await Task.sleep(for: .milliseconds(5))
            }
            sent += 1
            generatedCount.store(sent, ordering: .relaxed)
            if sent % 10_000 == 0 { progress(sent) }
        }
    }

    /// A record the stream must refuse, built from `transaction`: in turn broken JSON, the amount
    /// missing, and the quantity as text.
    static func malformed(_ transaction: Transaction, kind: Int) -> String {
        let json = transaction.json
        switch kind % 3 {
        case 0: return String(json.dropLast(12))
        case 1:
            return json.replacingOccurrences(
                of: "\"amount\": \(Transaction.pythonText(amount: transaction.amount)), ", with: "")
        default:
            return json.replacingOccurrences(
                of: "\"quantity\": \(transaction.quantity),", with: "\"quantity\": \"\(transaction.quantity) items\",")
        }
    }

    /// Queues one record; false when the producer's buffer is full.
    private static func enqueue(
        _ producer: KafkaProducer, topic: String, key: ByteBuffer?, value: ByteBuffer, timestamp: Int64
    ) throws -> Bool {
        do {
            try producer.enqueue(topic: topic, key: key, value: value, timestamp: timestamp)
            return true
        } catch {
            if case .queueFull = error { return false }
            throw error
        }
    }
}
