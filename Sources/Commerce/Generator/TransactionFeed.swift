import Foundation
import Kafka
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
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

        package init(producer: KafkaProducerConfiguration) {
            self.producer = producer
        }
    }

    package let configuration: Configuration
    private let logger: Logger
    private let ready: @Sendable () async -> Bool
    private let progress: @Sendable (Int) -> Void
    private let generatedCount = Atomic<Int>(0)

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

    /// Records generated so far, counted every 10,000 while it runs; once `run()` returned without
    /// an error, every one of them was delivered.
    package var generated: Int { generatedCount.load(ordering: .relaxed) }

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
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            group.addTask {
                do {
                    let generated = try await self.generate(into: producer)
                    try await producer.close()
                    self.generatedCount.store(generated, ordering: .relaxed)
                } catch {
                    try? await producer.close()
                    throw error
                }
            }
            try await group.waitForAll()
        }
    }

    /// Generates and enqueues records until done; returns how many.
    private func generate(into producer: KafkaProducer) async throws -> Int {
        var generator = TransactionGenerator(seed: configuration.seed)
        let clock = ContinuousClock()
        let started = clock.now
        let rate = configuration.rate
        var sent = 0
        while configuration.count.map({ sent < $0 }) ?? true {
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            if rate > 0 {
                let due = started + .microseconds(Int64(sent) * 1_000_000 / Int64(rate))
                if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
            }
            let micros = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
            let transaction = generator.next(timestampMicros: micros)
            let value = ByteBuffer(string: transaction.json)
            let key = configuration.key == .userID ? ByteBuffer(string: transaction.userID) : nil
            // A full buffer means the broker is slower than the feed: wait for room.
            while try !Self.enqueue(
                producer, topic: configuration.topic, key: key, value: value, timestamp: micros / 1000)
            {
                try await Task.sleep(for: .milliseconds(5))
            }
            sent += 1
            if sent % 10_000 == 0 {
                generatedCount.store(sent, ordering: .relaxed)
                progress(sent)
            }
        }
        return sent
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
