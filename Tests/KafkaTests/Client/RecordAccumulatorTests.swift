import NIOCore
import Testing

@testable import Kafka

@Suite struct RecordAccumulatorTests {
    let start = ContinuousClock.now
    let p0 = TopicPartition(topic: "t", partition: 0)
    let p1 = TopicPartition(topic: "t", partition: 1)

    func record(_ bytes: Int) -> PendingRecord {
        // estimatedSize = 16 + value bytes
        PendingRecord(key: nil, value: ByteBuffer(repeating: 0x61, count: bytes - 16), timestamp: 0)
    }

    @Test func batchWaitsForTheLinger() {
        var accumulator = RecordAccumulator(batchSize: 1000, linger: .milliseconds(10))
        accumulator.append(record(100), to: p0, now: start)
        #expect(accumulator.drain(now: start + .milliseconds(9), flushing: false, idempotent: false).isEmpty)
        #expect(accumulator.nextReadyTime() == start + .milliseconds(10))
        let ready = accumulator.drain(now: start + .milliseconds(10), flushing: false, idempotent: false)
        #expect(ready.map(\.partition) == [p0])
        #expect(ready.first?.records.count == 1)
    }

    /// Appending copied the open batch's records each time (the queue was copied out of its dictionary):
    /// 300,000 records in one batch then meant about 10^15 bytes copied, and this test would not end.
    @Test func appendingToALargeBatchDoesNotCopyIt() {
        var accumulator = RecordAccumulator(batchSize: 1 << 30, linger: .seconds(10))
        let shared = record(32)
        for _ in 0..<300_000 { accumulator.append(shared, to: p0, now: start) }
        let ready = accumulator.drain(now: start, flushing: true, idempotent: false)
        #expect(ready.count == 1 && ready.first?.records.count == 300_000)
    }

    @Test func fullBatchIsReadyBeforeTheLinger() {
        var accumulator = RecordAccumulator(batchSize: 300, linger: .seconds(10))
        let opened = accumulator.append(record(100), to: p0, now: start)
        let filling = accumulator.append(record(100), to: p0, now: start)
        let full = accumulator.append(record(100), to: p0, now: start)  // 300 bytes
        #expect(opened)
        #expect(!filling)
        #expect(full)
        // The fourth record does not fit and opens a second batch.
        accumulator.append(record(100), to: p0, now: start)
        let first = accumulator.drain(now: start, flushing: false, idempotent: false)
        #expect(first.count == 1)
        #expect(first.first?.records.count == 3)
        // One batch per partition in flight: the second waits for the first.
        #expect(accumulator.drain(now: start + .seconds(11), flushing: false, idempotent: false).isEmpty)
        accumulator.complete(p0)
        #expect(accumulator.drain(now: start, flushing: true, idempotent: false).first?.records.count == 1)
    }

    @Test func flushIgnoresTheLinger() {
        var accumulator = RecordAccumulator(batchSize: 1000, linger: .seconds(10))
        accumulator.append(record(50), to: p0, now: start)
        accumulator.append(record(50), to: p1, now: start)
        let ready = accumulator.drain(now: start, flushing: true, idempotent: false)
        #expect(ready.map(\.partition) == [p0, p1])
        #expect(accumulator.recordCount == 2)
        accumulator.complete(p0)
        accumulator.complete(p1)
        #expect(accumulator.isEmpty)
        #expect(accumulator.bufferedBytes == 0)
    }

    @Test func sequencesCountRecordsPerPartitionAndSurviveRetries() {
        var accumulator = RecordAccumulator(batchSize: 200, linger: .zero)
        for _ in 0..<3 { accumulator.append(record(100), to: p0, now: start) }  // batches of 2 and 1
        accumulator.append(record(100), to: p1, now: start)
        var ready = accumulator.drain(now: start, flushing: false, idempotent: true)
        #expect(ready.map(\.baseSequence) == [0, 0])
        // p0's first batch fails with a retriable error: it keeps sequence 0 and its place.
        accumulator.retry(p0, at: start + .milliseconds(100))
        accumulator.complete(p1)
        #expect(accumulator.drain(now: start + .milliseconds(50), flushing: false, idempotent: true).isEmpty)
        ready = accumulator.drain(now: start + .milliseconds(100), flushing: false, idempotent: true)
        #expect(ready.map(\.baseSequence) == [0])
        #expect(ready.first?.records.count == 2)
        #expect(ready.first?.attempts == 2)
        accumulator.complete(p0)
        ready = accumulator.drain(now: start, flushing: false, idempotent: true)
        #expect(ready.map(\.baseSequence) == [2])
        #expect(accumulator.nextSequence(for: p0) == 3)
        #expect(accumulator.nextSequence(for: p1) == 1)
    }

    @Test func withoutIdempotenceSequencesStayUnset() {
        var accumulator = RecordAccumulator(batchSize: 200, linger: .zero)
        accumulator.append(record(100), to: p0, now: start)
        #expect(accumulator.drain(now: start, flushing: false, idempotent: false).map(\.baseSequence) == [-1])
    }

    @Test func builtBatchCarriesTheProducerIdentityAndDeltas() throws {
        var batch = ProducerBatch(partition: p0, createdAt: start)
        batch.baseSequence = 7
        batch.records = [
            PendingRecord(key: ByteBuffer(string: "k"), value: ByteBuffer(string: "v1"), timestamp: 1000),
            PendingRecord(key: nil, value: ByteBuffer(string: "v2"), timestamp: 1005),
        ]
        let built = try batch.build(compression: .zstd, producerId: 42, producerEpoch: 3)
        let validated = try RecordBatch(validating: built.bytes)
        #expect(validated.header.producerId == 42)
        #expect(validated.header.producerEpoch == 3)
        #expect(validated.header.baseSequence == 7)
        #expect(validated.header.attributes.compression == .zstd)
        #expect(validated.header.maxTimestamp == 1005)
        let records = try validated.records()
        #expect(records.map(\.offsetDelta) == [0, 1])
        #expect(records.map(\.timestampDelta) == [0, 5])
        #expect(records.map { text($0.value) } == ["v1", "v2"])
    }
}
