import Foundation
import Kafka
import Logging
import NIOCore

/// Sends generated transactions to a topic at a steady rate with Souk's Kafka producer, keyed by
/// user id (as the original Python producer did), until a count is reached or the task is cancelled.
struct TransactionFeed {
    var topic = "ecommerce-transactions"
    /// Records per second; 0 sends as fast as the producer accepts them.
    var rate = 1_000
    /// Records to send; nil sends until cancelled.
    var count: Int?
    var seed: UInt64 = 42

    /// Sends and returns how many records were acknowledged.
    func run(producer: KafkaProducer, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        var generator = TransactionGenerator(seed: seed)
        let clock = ContinuousClock()
        let started = clock.now
        var sent = 0
        while count.map({ sent < $0 }) ?? true {
            if Task.isCancelled { break }
            if rate > 0 {
                let due = started + .microseconds(Int64(sent) * 1_000_000 / Int64(rate))
                if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
                if Task.isCancelled { break }
            }
            let micros = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let transaction = generator.next(timestampMicros: micros)
            let value = ByteBuffer(string: transaction.json)
            let key = ByteBuffer(string: transaction.userID)
            // A full buffer means the broker is slower than the feed: wait for room.
            while try !Self.enqueue(producer, topic: topic, key: key, value: value, timestamp: micros / 1000) {
                try await Task.sleep(for: .milliseconds(5))
            }
            sent += 1
            if sent % 10_000 == 0 { progress(sent) }
        }
        try await producer.flush()
        return sent
    }

    /// Queues one record; false when the producer's buffer is full.
    private static func enqueue(
        _ producer: KafkaProducer, topic: String, key: ByteBuffer, value: ByteBuffer, timestamp: Int64
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
