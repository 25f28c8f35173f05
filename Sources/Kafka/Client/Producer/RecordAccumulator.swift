/// Collects records into one batch per partition (sans-I/O: the caller passes the time) and decides
/// which batches are ready: full (`batchSize`), lingered long enough, or flushed. At most one batch
/// per partition is in flight, so batches of a partition reach the broker in order and a retried
/// batch keeps its place and its idempotent sequence numbers.
package struct RecordAccumulator: Sendable {
    /// Uncompressed bytes that make a batch full.
    package var batchSize: Int
    /// How long an unfilled batch waits.
    package var linger: Duration
    private var queues: [TopicPartition: [ProducerBatch]] = [:]
    private var nextSequence: [TopicPartition: Int32] = [:]
    /// Bytes of records not yet completed.
    package private(set) var bufferedBytes = 0
    /// Records not yet completed.
    package private(set) var recordCount = 0

    package init(batchSize: Int, linger: Duration) {
        self.batchSize = batchSize
        self.linger = linger
    }

    /// Whether no record is waiting or in flight.
    package var isEmpty: Bool { recordCount == 0 }

    /// Adds a record to the partition's open batch (opening one when there is none or it is full).
    /// Returns true when the sender should look again: a batch became full or a new batch opened.
    @discardableResult
    package mutating func append(_ record: PendingRecord, to partition: TopicPartition, now: ContinuousClock.Instant)
        -> Bool
    {
        let size = record.estimatedSize
        bufferedBytes += size
        recordCount += 1
        // Taken out of the dictionary, so the queue and its open batch's records stay uniquely referenced
        // and appending does not copy them (a copy per record made a batch quadratic in its size).
        var queue = queues.removeValue(forKey: partition) ?? []
        defer { queues[partition] = queue }
        if let last = queue.indices.last, queue[last].isOpen, queue[last].size + size <= batchSize {
            queue[last].records.append(record)
            queue[last].size += size
            if queue[last].size >= batchSize {
                queue[last].isOpen = false
                return true
            }
            return false
        }
        if let last = queue.indices.last { queue[last].isOpen = false }
        var batch = ProducerBatch(partition: partition, createdAt: now)
        batch.records.append(record)
        batch.size = size
        batch.isOpen = size < batchSize
        queue.append(batch)
        return true
    }

    /// Takes the ready batch at the head of each partition's queue and marks it in flight. With a
    /// producer identity, a batch's sequence is assigned on its first drain.
    package mutating func drain(now: ContinuousClock.Instant, flushing: Bool, idempotent: Bool) -> [ProducerBatch] {
        var ready: [ProducerBatch] = []
        for partition in queues.keys.sorted() {
            guard var queue = queues[partition], var head = queue.first,
                isReady(head, in: queue, now: now, flushing: flushing)
            else { continue }
            head.isOpen = false
            head.inFlight = true
            head.attempts += 1
            if idempotent && head.baseSequence < 0 {
                let sequence = nextSequence[partition, default: 0]
                head.baseSequence = sequence
                // Sequences wrap to 0 after Int32.max (Kafka's DefaultRecordBatch.incrementSequence).
                let next = Int64(sequence) + Int64(head.records.count)
                nextSequence[partition] = Int32(next > Int64(Int32.max) ? next - Int64(Int32.max) - 1 : next)
            }
            queue[0] = head
            queues[partition] = queue
            ready.append(head)
        }
        return ready
    }

    private func isReady(_ head: ProducerBatch, in queue: [ProducerBatch], now: ContinuousClock.Instant, flushing: Bool)
        -> Bool
    {
        guard !head.inFlight else { return false }
        if let retryAt = head.retryAt { return now >= retryAt }
        return flushing || !head.isOpen || queue.count > 1 || now >= head.createdAt + linger
    }

    /// The earliest instant a batch that is not ready now becomes ready by time (linger or backoff).
    package func nextReadyTime() -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        for queue in queues.values {
            guard let head = queue.first, !head.inFlight else { continue }
            let at = head.retryAt ?? head.createdAt + linger
            earliest = earliest.map { min($0, at) } ?? at
        }
        return earliest
    }

    /// Removes the partition's in-flight batch once it succeeded or failed for good.
    @discardableResult
    package mutating func complete(_ partition: TopicPartition) -> ProducerBatch? {
        guard var queue = queues[partition], let head = queue.first, head.inFlight else { return nil }
        queue.removeFirst()
        queues[partition] = queue.isEmpty ? nil : queue
        bufferedBytes -= head.size
        recordCount -= head.records.count
        return head
    }

    /// Puts the partition's in-flight batch back at the head of its queue, to be sent again at `at`.
    package mutating func retry(_ partition: TopicPartition, at: ContinuousClock.Instant) {
        guard var queue = queues[partition], !queue.isEmpty, queue[0].inFlight else { return }
        queue[0].inFlight = false
        queue[0].retryAt = at
        queues[partition] = queue
    }

    /// Removes every batch (shutdown), returning them so their records can be failed.
    package mutating func removeAll() -> [ProducerBatch] {
        let all = queues.values.flatMap { $0 }
        queues = [:]
        bufferedBytes = 0
        recordCount = 0
        return all
    }

    /// The next sequence number the partition's next new batch gets.
    package func nextSequence(for partition: TopicPartition) -> Int32 {
        nextSequence[partition, default: 0]
    }
}
