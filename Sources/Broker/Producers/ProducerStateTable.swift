import Foundation
import Kafka
import Logging
import NIOCore

/// Idempotent-producer state: hands out producer ids (InitProducerId) and, per partition and producer,
/// remembers the last five batches' sequence ranges, so a retried batch is acknowledged with its
/// original offset instead of being appended twice, and a gap in sequences is refused.
///
/// Requests of one connection are handled one at a time, so a producer's batches to a partition arrive
/// here in order; `check` and `record` around the append need no lock across the two calls.
package actor ProducerStateTable {
    /// What to do with one batch.
    package enum Decision: Sendable, Equatable {
        case append
        /// Already stored: acknowledge with this base offset.
        case duplicate(baseOffset: Int64)
        case reject(ErrorCode, String)
    }

    private struct Key: Hashable, Codable {
        var topic: String
        var partition: Int32
        var producerId: Int64
    }

    private struct Batch: Codable {
        var firstSequence: Int32
        var lastSequence: Int32
        var baseOffset: Int64
    }

    private struct Entry: Codable {
        var epoch: Int16
        var batches: [Batch]
    }

    private struct Snapshot: Codable {
        var nextProducerId: Int64
        var entries: [String: [String: Entry]]  // "topic/partition" → producerId → entry
    }

    private let path: String
    private let logger: Logger
    private var nextProducerId: Int64 = 1000
    private var entries: [Key: Entry] = [:]

    /// Opens the table, loading `<directory>/producers.json` when present.
    package init(directory: String, logger: Logger) {
        self.path = (directory as NSString).appendingPathComponent("producers.json")
        self.logger = logger
        let snapshot: Snapshot
        do {
            guard let buffer = try AtomicFile.read(path) else { return }
            snapshot = try JSONDecoder().decode(Snapshot.self, from: Data(buffer.readableBytesView))
        } catch {
            // `rebuild(from:)` recovers the producers from the logs' tails, and ids past every one seen.
            logger.warning(
                "producer state snapshot unreadable: rebuilding from the logs",
                metadata: ["path": "\(path)", "error": "\(error)"])
            return
        }
        nextProducerId = snapshot.nextProducerId
        for (partitionKey, producers) in snapshot.entries {
            guard let slash = partitionKey.lastIndex(of: "/"),
                let partition = Int32(partitionKey[partitionKey.index(after: slash)...])
            else { continue }
            let topic = String(partitionKey[..<slash])
            for (id, entry) in producers {
                guard let producerId = Int64(id) else { continue }
                entries[Key(topic: topic, partition: partition, producerId: producerId)] = entry
            }
        }
    }

    /// A new producer id (epoch 0). The counter is saved before the id is handed out.
    package func allocateProducerId() throws -> Int64 {
        let id = nextProducerId
        nextProducerId += 1
        try save()
        return id
    }

    /// Whether a batch with this header should be appended.
    package func check(
        topic: String, partition: Int32, producerId: Int64, epoch: Int16, baseSequence: Int32, lastOffsetDelta: Int32
    ) -> Decision {
        guard producerId >= 0 else { return .append }
        let key = Key(topic: topic, partition: partition, producerId: producerId)
        guard let entry = entries[key] else { return .append }  // first batch of this producer here
        if epoch < entry.epoch {
            return .reject(.invalidProducerEpoch, "producer epoch \(epoch) is older than \(entry.epoch)")
        }
        if epoch > entry.epoch {
            return baseSequence == 0
                ? .append
                : .reject(.outOfOrderSequenceNumber, "a new epoch must start at sequence 0, not \(baseSequence)")
        }
        let lastSequence = Self.add(baseSequence, lastOffsetDelta)
        if let stored = entry.batches.first(where: {
            $0.firstSequence == baseSequence && $0.lastSequence == lastSequence
        }) {
            return .duplicate(baseOffset: stored.baseOffset)
        }
        guard let previous = entry.batches.last, baseSequence != Self.add(previous.lastSequence, 1) else {
            return .append
        }
        return .reject(
            .outOfOrderSequenceNumber,
            "sequence \(baseSequence) does not follow \(previous.lastSequence) for producer \(producerId)")
    }

    /// Records an appended batch.
    package func record(
        topic: String, partition: Int32, producerId: Int64, epoch: Int16, baseSequence: Int32, lastOffsetDelta: Int32,
        baseOffset: Int64
    ) {
        guard producerId >= 0 else { return }
        let key = Key(topic: topic, partition: partition, producerId: producerId)
        var entry = entries[key] ?? Entry(epoch: epoch, batches: [])
        if epoch != entry.epoch { entry = Entry(epoch: epoch, batches: []) }
        if entry.batches.contains(where: { $0.baseOffset == baseOffset && $0.firstSequence == baseSequence }) { return }
        entry.batches.append(
            Batch(
                firstSequence: baseSequence, lastSequence: Self.add(baseSequence, lastOffsetDelta),
                baseOffset: baseOffset))
        if entry.batches.count > 5 { entry.batches.removeFirst(entry.batches.count - 5) }
        entries[key] = entry
    }

    /// Rebuilds the recent batches of every producer from the tail of each partition log, as Kafka does
    /// after an unclean shutdown: the snapshot is written only at shutdown and with new producer ids, so
    /// after a kill -9 the log is the truth. Reads at most the last `tailOffsets` offsets (4 MiB) per partition.
    package func rebuild(from registry: TopicRegistry, tailOffsets: Int64 = 10_000) async {
        var rebuilt = 0
        for topic in await registry.all {
            for (index, log) in topic.partitions.enumerated() {
                let end = await log.logEndOffset
                let start = max(await log.logStartOffset, end - tailOffsets)
                guard start < end else { continue }
                let tail: ByteBuffer
                do { tail = try await log.read(from: start, maxBytes: 4 << 20) } catch {
                    // Idempotent producers' duplicates on this partition cannot be recognized until
                    // they send a new sequence: say so instead of skipping it silently.
                    logger.warning(
                        "producer state not rebuilt for a partition: its log tail could not be read",
                        metadata: ["topic": "\(topic.name)", "partition": "\(index)", "error": "\(error)"])
                    continue
                }
                var position = tail.readerIndex
                while let header = BatchHeader(parsing: tail, at: position), header.batchLength > 0,
                    position + header.totalSize <= tail.writerIndex
                {
                    if header.producerId >= 0 && header.baseSequence >= 0 {
                        // An id seen in a log is never handed out again, even without the snapshot.
                        if header.producerId < Int64.max { nextProducerId = max(nextProducerId, header.producerId + 1) }
                        record(
                            topic: topic.name, partition: Int32(index), producerId: header.producerId,
                            epoch: header.producerEpoch, baseSequence: header.baseSequence,
                            lastOffsetDelta: header.lastOffsetDelta, baseOffset: header.baseOffset)
                        rebuilt += 1
                    }
                    position += header.totalSize
                }
            }
        }
        if rebuilt > 0 { logger.info("producer state rebuilt from the logs", metadata: ["batches": "\(rebuilt)"]) }
    }

    /// Forgets the producers of a deleted topic.
    package func forget(topic: String) {
        entries = entries.filter { $0.key.topic != topic }
    }

    /// Writes the snapshot (on shutdown, and with every new producer id).
    package func save() throws {
        var grouped: [String: [String: Entry]] = [:]
        for (key, entry) in entries {
            grouped["\(key.topic)/\(key.partition)", default: [:]][String(key.producerId)] = entry
        }
        let data = try JSONEncoder().encode(Snapshot(nextProducerId: nextProducerId, entries: grouped))
        try AtomicFile.write(Array(data), to: path)
    }

    /// Sequence numbers wrap at Int32.max, as Kafka's do.
    private static func add(_ sequence: Int32, _ delta: Int32) -> Int32 {
        let sum = Int64(sequence) + Int64(delta)
        return Int32(truncatingIfNeeded: sum > Int64(Int32.max) ? sum - Int64(Int32.max) - 1 : sum)
    }
}
